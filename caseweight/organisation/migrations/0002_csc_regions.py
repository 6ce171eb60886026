"""The five regions of the Correctional Service of Canada, so sites can be imported straight away."""

from django.db import migrations

CSC_REGIONS = [
    ("ATL", "Atlantic", "Atlantique"),
    ("QUE", "Quebec", "Québec"),
    ("ONT", "Ontario", "Ontario"),
    ("PRA", "Prairies", "Prairies"),
    ("PAC", "Pacific", "Pacifique"),
]


def add_regions(apps, schema_editor):
    Region = apps.get_model("organisation", "Region")
    for code, name, name_fr in CSC_REGIONS:
        Region.objects.get_or_create(code=code, defaults={"name": name, "name_fr": name_fr})


class Migration(migrations.Migration):
    dependencies = [("organisation", "0001_initial")]
    operations = [migrations.RunPython(add_regions, migrations.RunPython.noop)]
