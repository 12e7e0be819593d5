// Security keys and passkeys (django-allauth's webauthn.js does the work): when the
// browser or the key refuses, say so on the page instead of only in the console.
document.addEventListener("allauth.error", function (event) {
  const box = document.querySelector("[data-gt-webauthn-error]");
  if (!box) return;
  event.preventDefault();
  box.textContent = "Your security key or passkey was not used: the browser stopped, it was cancelled, or the key was not recognised. Try again, or use a code instead.";
  box.hidden = false;
});
