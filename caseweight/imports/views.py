from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def import_upload(request):
    return render(request, "accounts/home.html", {})


@login_required
def export(request):
    return render(request, "accounts/home.html", {})
