/**
 * Typed operations: what the differ produces, what migration files store,
 * and what each dialect's compiler turns into SQL. Plain JSON data.
 */
import type { DbObject } from "../model/objects.ts";
import type {
  CheckConstraint,
  Column,
  ColumnStorage,
  CompositeAttribute,
  Deferrable,
  ForeignKey,
  Identity,
  Index,
  PartitionBy,
  PartitionOf,
  PrimaryKey,
  RangeDefinition,
  ReplicaIdentity,
  SequenceOptions,
  Serial,
  StorageParameters,
  UniqueConstraint,
} from "../model/types.ts";

interface OnTable {
  readonly schema: string;
  readonly table: string;
}

/** A column using an enum that is rebuilt. */
/** A column of an existing table whose values an ALTER DOMAIN checks. */
export interface DomainColumn {
  readonly schema: string;
  readonly table: string;
  readonly column: string;
}

export interface EnumColumn {
  readonly schema: string;
  readonly table: string;
  readonly column: string;
  readonly array: boolean;
  readonly default?: string;
}

/** What changed in a column; only these clauses are emitted. */
export interface ColumnChanges {
  /** A generated column becomes a plain one (`DROP EXPRESSION`), keeping its values. */
  readonly generated?: { readonly from: string };
  readonly type?: {
    readonly from: string;
    readonly to: string;
    readonly using?: string;
    /** From an enum, which casts to nothing but text: `USING col::text::to`. */
    readonly viaText?: boolean;
  };
  readonly notNull?: { readonly from: boolean; readonly to: boolean };
  readonly default?: { readonly from?: string; readonly to?: string };
  readonly serial?: { readonly from?: Serial; readonly to?: Serial };
  readonly identity?: { readonly from?: Identity; readonly to?: Identity };
  /** The identity sequence's non-default options before and after. */
  readonly identityOptions?: { readonly from: SequenceOptions; readonly to: SequenceOptions };
  readonly comment?: { readonly from?: string; readonly to?: string };
  /** Absent sides are the type's default storage. */
  readonly storage?: { readonly from?: ColumnStorage; readonly to?: ColumnStorage };
  readonly compression?: { readonly from?: "pglz" | "lz4"; readonly to?: "pglz" | "lz4" };
  /** Absent sides are the type's default collation. */
  readonly collation?: { readonly from?: string; readonly to?: string };
}

/** What changed in a table's own attributes. */
export interface TableChanges {
  readonly with?: { readonly from?: StorageParameters; readonly to?: StorageParameters };
  readonly unlogged?: { readonly from: boolean; readonly to: boolean };
  /** Absent sides are the default (the primary key). */
  readonly replicaIdentity?: { readonly from?: ReplicaIdentity; readonly to?: ReplicaIdentity };
  /** `ENABLE` / `DISABLE ROW LEVEL SECURITY`. */
  readonly rowLevelSecurity?: { readonly from: boolean; readonly to: boolean };
  /** `FORCE` / `NO FORCE ROW LEVEL SECURITY`. */
  readonly forceRowLevelSecurity?: { readonly from: boolean; readonly to: boolean };
}

export type Operation =
  | { readonly kind: "create_schema"; readonly schema: string }
  | { readonly kind: "create_enum"; readonly schema: string; readonly name: string; readonly values: readonly string[] }
  | { readonly kind: "drop_enum"; readonly schema: string; readonly name: string; readonly values: readonly string[] }
  | {
    readonly kind: "add_enum_value";
    readonly schema: string;
    readonly name: string;
    readonly value: string;
    /** Insert before this existing value; absent means at the end. */
    readonly before?: string;
  }
  | {
    /**
     * Labels removed or reordered: the type is rebuilt under its name and the
     * columns using it are converted through text.
     */
    readonly kind: "recreate_enum";
    readonly schema: string;
    readonly name: string;
    readonly from: readonly string[];
    readonly to: readonly string[];
    readonly columns: readonly EnumColumn[];
  }
  | {
    readonly kind: "create_table";
    readonly schema: string;
    readonly table: string;
    readonly columns: readonly Column[];
    readonly primaryKey?: PrimaryKey;
    readonly comment?: string;
    readonly with?: StorageParameters;
    readonly unlogged?: boolean;
    readonly partitionBy?: PartitionBy;
    /** A partition: created `PARTITION OF` its parent, with no columns of its own. */
    readonly partitionOf?: PartitionOf;
  }
  | {
    readonly kind: "drop_table";
    readonly schema: string;
    readonly table: string;
    readonly columns: readonly string[];
    /** A partition: dropped before its parent. */
    readonly partitionOf?: PartitionOf;
  }
  | { readonly kind: "rename_table"; readonly schema: string; readonly from: string; readonly to: string }
  | (OnTable & { readonly kind: "add_column"; readonly column: Column })
  | (OnTable & { readonly kind: "drop_column"; readonly column: Column })
  | (OnTable & { readonly kind: "rename_column"; readonly from: string; readonly to: string })
  | (OnTable & {
    readonly kind: "alter_column";
    readonly column: string;
    readonly changes: ColumnChanges;
    /** The column's type after the change, when a clause must restate it (a collation or storage reset). */
    readonly type?: string;
  })
  /** Taken off before a routine it calls is dropped; an `alter_column` sets the default again once the new one exists. */
  | (OnTable & { readonly kind: "drop_default"; readonly column: string; readonly default: string })
  /** `usingIndex`: attached to the unique index of the same name, built concurrently before (online). */
  | (OnTable & { readonly kind: "add_primary_key"; readonly primaryKey: PrimaryKey; readonly usingIndex?: boolean })
  | (OnTable & { readonly kind: "drop_primary_key"; readonly primaryKey: PrimaryKey })
  | (OnTable & { readonly kind: "add_unique"; readonly unique: UniqueConstraint; readonly usingIndex?: boolean })
  | (OnTable & { readonly kind: "drop_unique"; readonly unique: UniqueConstraint })
  | (OnTable & { readonly kind: "add_foreign_key"; readonly foreignKey: ForeignKey })
  | (OnTable & { readonly kind: "drop_foreign_key"; readonly foreignKey: ForeignKey })
  | (OnTable & { readonly kind: "add_check"; readonly check: CheckConstraint })
  | (OnTable & { readonly kind: "drop_check"; readonly check: CheckConstraint })
  | (OnTable & { readonly kind: "rename_constraint"; readonly from: string; readonly to: string })
  /**
   * A foreign key made deferrable or not, initially deferred or immediate, and
   * nothing else: `ALTER CONSTRAINT`, no scan. Absent sides are NOT DEFERRABLE.
   * PostgreSQL alters no other kind of constraint so (a unique key is rebuilt).
   */
  | (OnTable & {
    readonly kind: "alter_constraint";
    readonly name: string;
    readonly deferrable: { readonly from?: Deferrable; readonly to?: Deferrable };
  })
  | (OnTable & { readonly kind: "create_index"; readonly index: Index })
  | (OnTable & { readonly kind: "drop_index"; readonly index: Index; readonly concurrently?: boolean })
  | (OnTable & { readonly kind: "rename_index"; readonly from: string; readonly to: string })
  /** A serial or identity column's own sequence, renamed after its table or column. */
  | (OnTable & { readonly kind: "rename_sequence"; readonly from: string; readonly to: string })
  /**
   * A NOT NULL constraint (PostgreSQL 18 names them) renamed after its table or column: where the
   * server has one of that name, and the new name is free; a migration may be applied on any version.
   */
  | (OnTable & {
    readonly kind: "rename_not_null";
    readonly column: string;
    readonly from: string;
    readonly to: string;
  })
  | (OnTable & { readonly kind: "set_table_comment"; readonly comment?: string })
  | (OnTable & { readonly kind: "alter_table"; readonly changes: TableChanges })
  /**
   * A table becomes a partition; with `detachFrom`, it leaves that bound
   * first, and with `check`, the validated check proving the new bound (no
   * scan) is dropped after. Rows are kept.
   */
  | (OnTable & {
    readonly kind: "attach_partition";
    readonly partitionOf: PartitionOf;
    readonly detachFrom?: PartitionOf;
    readonly check?: string;
  })
  /** A partition becomes a table of its own, keeping its rows. */
  | (OnTable & { readonly kind: "detach_partition"; readonly partitionOf: PartitionOf })
  /** A foreign key or check added NOT VALID is checked against the existing rows. */
  | (OnTable & { readonly kind: "validate_constraint"; readonly name: string })
  /** SET NOT NULL proved by the validated check `check` (no scan), which is then dropped. */
  | (OnTable & { readonly kind: "set_not_null"; readonly column: string; readonly check: string })
  /**
   * A step written by hand (a data backfill between two schema steps). Never
   * planned: kyrage runs it as written, in a transaction unless `transaction`
   * is false (then it must be one statement, alone in its migration).
   */
  | { readonly kind: "sql"; readonly sql: string; readonly transaction?: boolean }
  | CompositeTypeOperation
  | RangeTypeOperation
  | ObjectOperation;

/**
 * Views, functions, triggers, ...: created, dropped, or changed in place
 * (`CREATE OR REPLACE`, `ALTER`); a change PostgreSQL cannot make in place is
 * a drop and a create, with everything that depends on the object.
 */
export type ObjectOperation =
  | { readonly kind: "create_object"; readonly object: DbObject }
  | {
    readonly kind: "drop_object";
    readonly object: DbObject;
    /** Dropped to be created again (it changed, or something it reads did): nothing is lost for good. */
    readonly recreated?: boolean;
  }
  | {
    readonly kind: "alter_object";
    readonly from: DbObject;
    readonly to: DbObject;
    /** A domain change that checks stored values (diff/objects/domain_uses.ts): the columns it reads. */
    readonly columns?: readonly DomainColumn[];
    /** ...and the columns storing the domain inside an array, composite or range, for which PostgreSQL refuses it. */
    readonly containers?: readonly string[];
  };

interface OnType {
  readonly schema: string;
  readonly name: string;
}

/** Attributes of a composite type changed in place (`ALTER TYPE ... ADD/DROP/ALTER ATTRIBUTE`). */
export interface CompositeChanges {
  readonly drop?: readonly CompositeAttribute[];
  /** A type or collation changed; PostgreSQL refuses it while a column stores the type. */
  readonly alter?: readonly { readonly from: CompositeAttribute; readonly to: CompositeAttribute }[];
  /** Appended after the existing attributes. */
  readonly add?: readonly CompositeAttribute[];
}

export type CompositeTypeOperation =
  | (OnType & { readonly kind: "create_composite_type"; readonly attributes: readonly CompositeAttribute[] })
  | (OnType & { readonly kind: "drop_composite_type"; readonly attributes: readonly CompositeAttribute[] })
  | (OnType & { readonly kind: "alter_composite_type"; readonly changes: CompositeChanges })
  /** Attributes reordered or inserted before others: dropped and created again, only while nothing uses it. */
  | (OnType & {
    readonly kind: "recreate_composite_type";
    readonly from: readonly CompositeAttribute[];
    readonly to: readonly CompositeAttribute[];
  });

export type RangeTypeOperation =
  | (OnType & { readonly kind: "create_range_type"; readonly definition: RangeDefinition })
  | (OnType & { readonly kind: "drop_range_type"; readonly definition: RangeDefinition })
  /** PostgreSQL cannot alter a range type: dropped and created again, only while nothing uses it. */
  | (OnType & { readonly kind: "recreate_range_type"; readonly from: RangeDefinition; readonly to: RangeDefinition });

export type OperationKind = Operation["kind"];

export type OperationOf<K extends OperationKind> = Extract<Operation, { kind: K }>;
