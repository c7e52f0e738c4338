import { XMLValidator } from 'fast-xml-parser';

// Outside XML 1.0's Char production: no parser may accept a document holding one, escaped or not.
const NOT_XML_CHAR = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Why a text is not a well-formed XML 1.0 document, or undefined when it is. fast-xml-parser (a dependency of Allure's)
 * checks the structure but lets any character through, so the characters are checked here.
 */
export function xmlProblem(text: string): string | undefined {
  const bad = NOT_XML_CHAR.exec(text);
  if (bad) return `U+${bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} at offset ${bad.index} is not an XML character`;
  // fast-xml-parser points to fast-xml-validator, which is not among the dependencies; this validator is still shipped.
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  const checked = XMLValidator.validate(text);
  return checked === true ? undefined : `${checked.err.msg} (line ${checked.err.line})`;
}
