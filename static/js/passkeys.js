/* Passkeys (WebAuthn): adding a key on /account/security/passkeys/new/ and using it at
   the second step of signing in. The server does the checking (registry/passkeys.py);
   this script only carries its options to the browser's authenticator and the answer
   back, as JSON with base64url bytes. Without this script, or in a browser without
   WebAuthn, the page keeps saying so and offers the code from the authenticator app.

   Markup: a [data-passkey-register] form or a [data-passkey-login] section, with
   data-options-url, data-verify-url, the CSRF token's hidden input, a [data-passkey-ready]
   wrapper (shown when the browser can), [data-passkey-unsupported] (hidden then) and
   a [data-passkey-error] live region; data-msg-* hold the page's words. */
(function () {
  "use strict";

  function toBytes(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) { base64 += "="; }
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    return bytes.buffer;
  }

  function toText(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) { binary += String.fromCharCode(bytes[i]); }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function withBytes(list) {
    return (list || []).map(function (item) {
      return Object.assign({}, item, { id: toBytes(item.id) });
    });
  }

  function creationOptions(options) {
    return Object.assign({}, options, {
      challenge: toBytes(options.challenge),
      user: Object.assign({}, options.user, { id: toBytes(options.user.id) }),
      excludeCredentials: withBytes(options.excludeCredentials)
    });
  }

  function requestOptions(options) {
    return Object.assign({}, options, {
      challenge: toBytes(options.challenge),
      allowCredentials: withBytes(options.allowCredentials)
    });
  }

  function credentialJSON(credential) {
    var response = credential.response;
    var out = {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      response: { clientDataJSON: toText(response.clientDataJSON) },
      clientExtensionResults: credential.getClientExtensionResults ? credential.getClientExtensionResults() : {}
    };
    if (credential.authenticatorAttachment) {
      out.authenticatorAttachment = credential.authenticatorAttachment;
    }
    if (response.attestationObject) {
      out.response.attestationObject = toText(response.attestationObject);
      out.response.transports = response.getTransports ? response.getTransports() : [];
    } else {
      out.response.authenticatorData = toText(response.authenticatorData);
      out.response.signature = toText(response.signature);
      out.response.userHandle = response.userHandle ? toText(response.userHandle) : null;
    }
    return out;
  }

  function post(box, url, body) {
    var token = box.querySelector("input[name=csrfmiddlewaretoken]").value;
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) { throw new Error(data.message || box.dataset.msgFailed); }
        return data;
      });
    });
  }

  function showError(box, message) {
    var region = box.querySelector("[data-passkey-error]");
    region.textContent = message;
    region.hidden = false;
  }

  function browserError(box, error) {
    // The user closed the browser's dialog, or it timed out: say so plainly.
    if (error && (error.name === "NotAllowedError" || error.name === "AbortError")) {
      return box.dataset.msgCancelled;
    }
    if (error && error.name === "InvalidStateError") { return box.dataset.msgExists; }
    return (error && error.message) || box.dataset.msgFailed;
  }

  function run(box, button, ceremony) {
    button.disabled = true;
    box.querySelector("[data-passkey-error]").hidden = true;
    ceremony().then(function (result) {
      window.location.assign(result.redirect);
    }).catch(function (error) {
      showError(box, browserError(box, error));
      button.disabled = false;
    });
  }

  function register(form) {
    var name = form.querySelector("input[name=name]");
    return post(form, form.dataset.optionsUrl).then(function (options) {
      return navigator.credentials.create({ publicKey: creationOptions(options) });
    }).then(function (credential) {
      return post(form, form.dataset.verifyUrl, {
        name: name.value,
        credential: credentialJSON(credential)
      });
    });
  }

  function login(box) {
    return post(box, box.dataset.optionsUrl).then(function (options) {
      return navigator.credentials.get({ publicKey: requestOptions(options) });
    }).then(function (credential) {
      return post(box, box.dataset.verifyUrl, {
        next: box.dataset.next || "",
        credential: credentialJSON(credential)
      });
    });
  }

  function ready(box) {
    box.querySelector("[data-passkey-ready]").hidden = false;
    var unsupported = box.querySelector("[data-passkey-unsupported]");
    if (unsupported) { unsupported.hidden = true; }
  }

  if (!window.PublicKeyCredential || !navigator.credentials || !window.fetch) { return; }

  document.querySelectorAll("[data-passkey-register]").forEach(function (form) {
    ready(form);
    var button = form.querySelector("button[type=submit]");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      run(form, button, function () { return register(form); });
    });
  });

  document.querySelectorAll("[data-passkey-login]").forEach(function (box) {
    ready(box);
    var button = box.querySelector("[data-passkey-start]");
    button.addEventListener("click", function () {
      run(box, button, function () { return login(box); });
    });
  });
})();
