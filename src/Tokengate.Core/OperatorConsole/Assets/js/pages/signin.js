// Sign-in: a gateway key (exchanged for an HttpOnly session cookie, never stored by the page) or the OIDC provider.
import { html, useState, useEffect } from "../lib.js";
import { providers, signIn } from "../api.js";

export function SignIn({ notice, onSignedIn }) {
  const [key, setKey] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const [options, setOptions] = useState({ key: true, oidc: { enabled: false } });
  useEffect(() => { providers().then(setOptions); }, []);

  async function submit(e) {
    e.preventDefault();
    setBusy(true);
    setError("");
    try {
      const s = await signIn(key.trim());
      setKey("");
      await onSignedIn(s);
    } catch (err) {
      setError(err.status === 401 ? "The key was refused." : err.status === 403 ? "This key has no reader role: the console needs reader, operator or admin." : err.message);
    } finally {
      setBusy(false);
    }
  }

  return html`<section class="signin" aria-labelledby="signin-title">
    <h1 id="signin-title">Tokengate console</h1>
    ${notice ? html`<p class="muted" role="status">${notice}</p>` : null}
    ${options.key !== false ? html`<form id="signin-form" onSubmit=${submit}>
      <label class="field wide" for="key">Gateway key <span class="muted">(reader, operator or admin)</span></label>
      <input id="key" name="key" type="password" autocomplete="off" required value=${key} onInput=${(e) => setKey(e.currentTarget.value)} />
      <p class="muted">The key is exchanged for a session cookie; the page does not keep it.</p>
      <button type="submit" class="primary" disabled=${busy}>Sign in</button>
      ${error ? html`<p class="error" id="signin-error" role="alert">${error}</p>` : null}
    </form>` : null}
    ${options.oidc && options.oidc.enabled ? html`<p class="or">or</p><a class="button" id="signin-oidc" href="/console/signin/oidc">Sign in with ${options.oidc.name || "single sign-on"}</a>` : null}
  </section>`;
}
