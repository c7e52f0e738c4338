/** A change to one member of a JSON object: a response body, or a JWT's header or claims. */
export type MemberEdit =
  | { op: 'remove'; member: string }
  | { op: 'set'; member: string; value: unknown }
  | { op: 'stringify'; member: string }
  | { op: 'suffix'; member: string; suffix: string }
  /** Adds `by` to a number, e.g. seconds to a time claim. */
  | { op: 'shift'; member: string; by: number }
  | { op: 'append'; member: string; item: unknown }
  /** Removes `item` from an array. */
  | { op: 'withdraw'; member: string; item: unknown };

/** A copy of `object` with the edit made; the original is never mutated (the provider hands out its own arrays). */
export function applyEdit(object: Record<string, unknown>, edit: MemberEdit): Record<string, unknown> {
  const { [edit.member]: current, ...rest } = object;
  switch (edit.op) {
    case 'remove':
      return rest;
    case 'set':
      return { ...object, [edit.member]: edit.value };
    case 'stringify':
      return { ...object, [edit.member]: String(current) };
    case 'suffix':
      return { ...object, [edit.member]: `${String(current)}${edit.suffix}` };
    case 'shift':
      return { ...object, [edit.member]: Number(current) + edit.by };
    case 'append':
      return { ...object, [edit.member]: [...(current as unknown[]), edit.item] };
    case 'withdraw':
      return { ...object, [edit.member]: (current as unknown[]).filter((item) => item !== edit.item) };
  }
}

export function applyEdits(object: Record<string, unknown>, edits: readonly MemberEdit[]): Record<string, unknown> {
  return edits.reduce(applyEdit, object);
}
