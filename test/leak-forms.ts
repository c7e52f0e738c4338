/** The forms a secret may be written in, to scan outputs for: as is, base64, base64url, URL-, form-, HTML- and JSON-escaped. */
export function writtenForms(secret: string): string[] {
  const html = secret.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const named = secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const forms = [secret, Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('base64url'), encodeURIComponent(secret), encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()), new URLSearchParams({ v: secret }).toString().slice(2), html, named, JSON.stringify(secret).slice(1, -1)];
  return [...new Set(forms)];
}

/** Where any of these secrets appears, in any written form, among these texts: "path: form" for each hit. */
export function leaks(texts: Array<{ path: string; text: string }>, secrets: string[]): string[] {
  const forms = secrets.flatMap(writtenForms);
  return texts.flatMap(({ path, text }) => forms.filter((form) => text.includes(form)).map((form) => `${path}: ${form}`));
}
