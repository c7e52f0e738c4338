/** Text for an HTML page the sandbox or an emulator renders: the five characters markup gives meaning, as entities. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
