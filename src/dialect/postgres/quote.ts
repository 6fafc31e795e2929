/** SQL quoting for PostgreSQL. Identifiers are always quoted. */

export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function qualified(schema: string, name: string): string {
  return `${ident(schema)}.${ident(name)}`;
}

export function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

export function identList(names: readonly string[]): string {
  return names.map(ident).join(", ");
}
