/**
 * Text fit for a terminal: escape sequences a server put in its text (colours, OSC 8 hyperlinks, window titles,
 * cursor moves) and every other C0/C1 control character removed; line feeds and tabs kept.
 */

// ESC or its C1 form: OSC, DCS, SOS, PM, APC strings up to their terminator (BEL or ST), CSI sequences, two-byte escapes.
const SEQUENCES =
  /(?:\u001b[\]PX^_]|[\u0090\u0098\u009d-\u009f])[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]?|\u001b[ -/]*[0-~]?/g;
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export function printable(text: string): string {
  return text.replace(SEQUENCES, '').replace(CONTROLS, '');
}
