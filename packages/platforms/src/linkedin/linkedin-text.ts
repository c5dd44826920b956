/** Characters LinkedIn's "little text" commentary treats as markup (PLATFORMS.md). */
const RESERVED = /[\\<>#~_|[\]*(){}@]/g;

/** Commentary as LinkedIn must receive it: reserved characters backslash-escaped, so `#tag` stays text. */
export function escapeLittleText(text: string): string {
  return text.replace(RESERVED, (c) => `\\${c}`);
}
