// Month abbreviations as dmesg -T, journalctl and syslog print them in the host's locale.
// Keys are lower case without a trailing dot.

const LOCALES: string[][] = [
  ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'], // en
  ['jan', 'feb', 'mär', 'apr', 'mai', 'jun', 'jul', 'aug', 'sep', 'okt', 'nov', 'dez'], // de
  ['janv', 'févr', 'mars', 'avr', 'mai', 'juin', 'juil', 'août', 'sept', 'oct', 'nov', 'déc'], // fr
  ['ene', 'feb', 'mar', 'abr', 'may', 'jun', 'jul', 'ago', 'sep', 'oct', 'nov', 'dic'], // es
  ['gen', 'feb', 'mar', 'apr', 'mag', 'giu', 'lug', 'ago', 'set', 'ott', 'nov', 'dic'], // it
  ['jan', 'fev', 'mar', 'abr', 'mai', 'jun', 'jul', 'ago', 'set', 'out', 'nov', 'dez'], // pt
  ['jan', 'feb', 'mrt', 'apr', 'mei', 'jun', 'jul', 'aug', 'sep', 'okt', 'nov', 'dec'], // nl
  ['jan', 'feb', 'mar', 'apr', 'maj', 'jun', 'jul', 'aug', 'sep', 'okt', 'nov', 'dec'], // sv, da
  ['sty', 'lut', 'mar', 'kwi', 'maj', 'cze', 'lip', 'sie', 'wrz', 'paź', 'lis', 'gru'], // pl
  ['янв', 'фев', 'мар', 'апр', 'мая', 'июн', 'июл', 'авг', 'сен', 'окт', 'ноя', 'дек'], // ru
];

const INDEX = new Map<string, number>();
for (const names of LOCALES) names.forEach((n, i) => { if (!INDEX.has(n)) INDEX.set(n, i); });
// Spellings that differ only in length: "févr." and "fevr", "sept" and "sep", "май".
for (const [n, i] of [['fevr', 1], ['avril', 3], ['aout', 7], ['dec', 11], ['май', 4], ['mars', 2]] as const) INDEX.set(n, i);

/** The month (0-11) a name stands for in any of the locales above, or undefined. */
export function monthIndex(name: string): number | undefined {
  return INDEX.get(name.toLowerCase().replace(/\.$/, ''));
}
