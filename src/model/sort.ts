/** Canonical ordering of a model, so equal schemas serialize identically. */
import { objectId } from "./objects.ts";
import type { SchemaModel, Table } from "./types.ts";

const byName = <T extends { name: string }>(a: T, b: T) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

const bySchemaAndName = <T extends { schema: string; name: string }>(a: T, b: T) =>
  a.schema < b.schema ? -1 : a.schema > b.schema ? 1 : byName(a, b);

function sortTable(table: Table): Table {
  return {
    ...table,
    uniques: [...table.uniques].sort(byName),
    foreignKeys: [...table.foreignKeys].sort(byName),
    checks: [...table.checks].sort(byName),
    indexes: [...table.indexes].sort(byName),
  };
}

export function sortModel(model: SchemaModel): SchemaModel {
  return {
    schemas: [...model.schemas].sort(),
    enums: [...model.enums].sort(bySchemaAndName),
    tables: model.tables.map(sortTable).sort(bySchemaAndName),
    composites: [...model.composites].sort(bySchemaAndName),
    ranges: [...model.ranges].sort(bySchemaAndName),
    objects: [...model.objects].sort((a, b) => {
      const [x, y] = [objectId(a), objectId(b)];
      return x < y ? -1 : x > y ? 1 : 0;
    }),
  };
}
