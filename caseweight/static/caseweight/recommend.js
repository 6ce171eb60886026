// The recommendation page: the chosen officer's rank goes with the form, so that taking the first
// officer is recorded as following the recommendation and any other as a manual choice.
// A file, not an inline script: the Content Security Policy runs only this server's script files.
document.querySelectorAll(".recommend-form input[name=officer]").forEach(function (radio, i) {
  radio.addEventListener("change", function () { document.getElementById("chosen-rank").value = String(i + 1); });
});
