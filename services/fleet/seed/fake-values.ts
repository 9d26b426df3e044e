/**
 * Plausible bakery data for the seed plans: names, cities and products that look like a real tenant's
 * (PII-shaped, so that erasure tests delete something that looks like personal data) but are made up.
 */

export const FIRST_NAMES = ['Anna', 'Jonas', 'Lea', 'Mateo', 'Sofia', 'Noah', 'Mia', 'Lukas', 'Emma', 'Elias'];
export const LAST_NAMES = ['Müller', 'García', 'Schmidt', 'Rossi', 'Dubois', 'Novak', 'Jensen', 'Silva', 'Kowalski'];
export const CITIES = [
  'Berlin',
  'Madrid',
  'Lyon',
  'Milano',
  'Porto',
  'Wien',
  'Praha',
  'Kraków',
  'Aarhus',
  'Gent',
  'Bilbao',
  'Graz',
];
export const STREETS = ['Hauptstraße', 'Calle Mayor', 'Rue de la Paix', 'Via Roma', 'Rua Augusta', 'Ringstraße'];
export const SKUS = ['BRD-RYE', 'BRD-SOUR', 'BRD-WHT', 'CRS-BUT', 'CRS-CHOC', 'CAK-CHEESE', 'PAS-ECL', 'COOK-OAT'];
export const INGREDIENTS = [
  'ING-FLOUR-W',
  'ING-FLOUR-R',
  'ING-BUTTER',
  'ING-SUGAR',
  'ING-YEAST',
  'ING-SALT',
  'ING-EGG',
];
export const LOCALES = ['en', 'de', 'es', 'fr', 'it', 'pt'];

/** A timestamp up to `days` days back, spread over the day by the row index. */
export function pastTimestamp(days: number, index = 'g'): string {
  return `now() - ((${index}) % ${days}) * interval '1 day' - ((${index}) % 1440) * interval '1 minute'`;
}

/** A date up to `days` days back. */
export function pastDate(days: number, index = 'g'): string {
  return `current_date - ((${index}) % ${days})`;
}

/** A date up to `days` days ahead. */
export function futureDate(days: number, index = 'g'): string {
  return `current_date + ((${index}) % ${days})`;
}

/** A money amount between min and max, varied by the row index. */
export function amount(min: number, max: number, index = 'g'): string {
  return `round((${min} + ((${index}) * 7919 % 10000) / 10000.0 * ${max - min})::numeric, 2)`;
}

/** SQL text expressions joined with a space between them. */
export function spaced(...expressions: string[]): string {
  return expressions.map((expression) => `(${expression})`).join(` || ' ' || `);
}
