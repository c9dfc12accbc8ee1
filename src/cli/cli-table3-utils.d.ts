// cli-table3's own text measure (colour codes stripped, string-width), which the table helper shares with it.
declare module 'cli-table3/src/utils.js' {
  const utils: { strlen(text: string): number };
  export default utils;
}
