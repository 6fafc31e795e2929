/**
 * Every column of the catalogs that describe what kyrage manages (tables,
 * columns, indexes, constraints, identity sequences, and the composite and
 * range types and partitioning of issue 19), classified as
 *
 * - modeled: kyrage introspects, compares, compiles and pulls it (the model
 *   field, and the round-trip features of `table_features.ts` that cover it);
 * - derived: it follows from other attributes or is not schema (one word why);
 * - unmanaged: kyrage does not model it and must say so out loud; each probe
 *   sets it on a fresh database, and `pull` must then list the object.
 *
 * The inventory test fails on a catalog column missing here, so a newer
 * PostgreSQL with a new attribute fails until someone decides. `render` is
 * the SQL (over the catalog row `x`) that turns an oid or column number into
 * a name, so snapshots of two databases compare equal.
 */

import {
  type Attribute,
  type CatalogName,
  collationName,
  columnNames,
  derived,
  modeled,
  opclassNames,
  unmanaged,
} from "./catalog_classes.ts";

export type { CatalogName, Probe } from "./catalog_classes.ts";

const PULL = "tests/integration/pull_test.ts";
const INVARIANTS = "tests/integration/invariants_test.ts";

export const CATALOG_ATTRIBUTES: Record<CatalogName, Record<string, Attribute>> = {
  pg_class: {
    oid: derived("oid"),
    // A column sequence named otherwise is renamed by the plan (Table.columnSequences).
    relname: modeled("Table.name, Index.name, Table.columnSequences", [
      PULL,
      "tests/integration/derived_names_test.ts",
    ]),
    relnamespace: modeled("Table.schema", [PULL], { render: "x.relnamespace::regnamespace::text" }),
    reltype: derived("rowtype"),
    reloftype: unmanaged("typed table (CREATE TABLE ... OF type)", [{
      name: "typed table",
      sql: "create type t_shape as (a int, b text); create table t of t_shape",
      reported: "public.t",
    }], "x.reloftype::regtype::text"),
    relowner: derived("environment"),
    relam: modeled("Index.method (a table's access method: see the probe)", [PULL], {
      render: "(select amname::text from pg_am where oid = x.relam)",
      probes: [{
        name: "table access method",
        sql: "create access method heap_copy type table handler heap_tableam_handler; " +
          "create table t (a int) using heap_copy",
        reported: "public.t",
      }],
    }),
    relfilenode: derived("storage"),
    reltablespace: unmanaged(
      "TABLESPACE (no probe: a tablespace needs a directory on the server)",
      [],
      "coalesce((select spcname::text from pg_tablespace where oid = x.reltablespace), '')",
    ),
    relpages: derived("statistics"),
    reltuples: derived("statistics"),
    relallvisible: derived("statistics"),
    relallfrozen: derived("statistics"),
    reltoastrelid: modeled("Table.with (toast.*): the TOAST table's reloptions", ["table storage parameters"], {
      render: "(select t.reloptions::text from pg_class t where t.oid = x.reltoastrelid)",
    }),
    relhasindex: derived("flag"),
    relisshared: derived("system"),
    relpersistence: modeled("Table.unlogged", ["UNLOGGED table"]),
    relkind: modeled("table, partitioned table, index, sequence, composite type", ["range partitioning"], {
      probes: [{
        name: "foreign table",
        sql: "create foreign data wrapper t_wrapper; create server t_server foreign data wrapper t_wrapper; " +
          "create foreign table t (a int) server t_server",
        reported: "public.t",
      }],
    }),
    relnatts: derived("count"),
    relchecks: derived("count"),
    relhasrules: derived("flag"),
    relhastriggers: derived("flag"),
    relhassubclass: derived("flag"),
    relrowsecurity: modeled("Table.rowLevelSecurity", ["ROW LEVEL SECURITY", "FORCE ROW LEVEL SECURITY"]),
    relforcerowsecurity: modeled("Table.forceRowLevelSecurity (FORCE alone: see the probe)", [
      "FORCE ROW LEVEL SECURITY",
    ], {
      probes: [{
        name: "forced row level security, not enabled",
        sql: "create table t (a int); alter table t force row level security",
        reported: "public.t",
      }],
    }),
    relispopulated: derived("matview"),
    relreplident: modeled("Table.replicaIdentity", ["REPLICA IDENTITY FULL", "REPLICA IDENTITY NOTHING"]),
    relispartition: modeled("partition of a partitioned table", ["range partitioning", "list partitioning"]),
    relrewrite: derived("transient"),
    relfrozenxid: derived("vacuum"),
    relminmxid: derived("vacuum"),
    relacl: unmanaged("GRANT on the table", [{
      name: "table privileges",
      sql: "create table t (a int); grant select on t to public",
      reported: "public.t",
    }], "x.relacl::text"),
    reloptions: modeled("Table.with, Index.with", ["table storage parameters", "index storage parameters"], {
      render: "(select array_agg(o order by o) from unnest(x.reloptions) o)", // their order is not schema
    }),
    relpartbound: modeled("partition bounds", ["range partitioning", "list partitioning", "hash partitioning"], {
      render: "pg_get_expr(x.relpartbound, x.oid)",
    }),
  },
  pg_attribute: {
    attrelid: derived("key"),
    attname: modeled("Column.name", [PULL]),
    atttypid: modeled("Column.type", ["composite type column and array", "range type column and array"], {
      render: "format_type(x.atttypid, x.atttypmod)",
    }),
    attstattarget: unmanaged("ALTER COLUMN SET STATISTICS", [{
      name: "column statistics target",
      sql: "create table t (a int); alter table t alter column a set statistics 500",
      reported: "public.t",
    }]),
    attlen: derived("type"),
    attnum: modeled("column order (declaration order)", [PULL]),
    attndims: derived("unenforced"),
    attcacheoff: derived("runtime"),
    atttypmod: modeled("Column.type's modifier", [INVARIANTS]),
    attbyval: derived("type"),
    attalign: derived("type"),
    attstorage: modeled("Column.storage", ["column STORAGE external"]),
    attcompression: modeled("Column.compression", ["column COMPRESSION pglz"]),
    attnotnull: modeled("Column.notNull", [PULL]),
    atthasdef: derived("default"),
    atthasmissing: derived("fast-default"),
    attidentity: modeled("Column.identity", ["identity options combined"]),
    attgenerated: modeled("Column.generated", [PULL]),
    attisdropped: derived("dropped"),
    attislocal: derived("inheritance"),
    attinhcount: derived("inheritance"),
    attcollation: modeled("Column.collation, IndexKey.collation", ['column COLLATE "C"', "index key COLLATE"], {
      render: collationName("array[x.attcollation]"),
    }),
    attacl: unmanaged("GRANT on a column", [{
      name: "column privileges",
      sql: "create table t (a int, b int); grant select (a) on t to public",
      reported: "public.t",
    }], "x.attacl::text"),
    attoptions: unmanaged("ALTER COLUMN SET (n_distinct ...)", [{
      name: "column attribute options",
      sql: "create table t (a int); alter table t alter column a set (n_distinct = 100)",
      reported: "public.t",
    }]),
    attfdwoptions: derived("foreign"),
    attmissingval: derived("fast-default"),
  },
  pg_index: {
    indexrelid: derived("key"),
    indrelid: derived("key"),
    indnatts: modeled("Index.include (key + included columns)", [PULL]),
    indnkeyatts: modeled("Index.include", [PULL]),
    indisunique: modeled("Index.unique", ["index NULLS NOT DISTINCT"]),
    indnullsnotdistinct: modeled("Index.nullsNotDistinct", ["index NULLS NOT DISTINCT"]),
    indisprimary: modeled("Table.primaryKey", [PULL]),
    indisexclusion: unmanaged("exclusion constraint", [{
      name: "exclusion constraint",
      sql: "create table t (a int); alter table t add constraint t_a_excl exclude using btree (a with =)",
      reported: "public.t",
    }]),
    indimmediate: modeled("PrimaryKey/UniqueConstraint.deferrable", ["deferrable UNIQUE"]),
    indisclustered: unmanaged("CLUSTER ON", [{
      name: "clustered index",
      sql: "create table t (a int primary key); alter table t cluster on t_pkey",
      reported: "public.t",
    }]),
    indisvalid: derived("build"),
    indcheckxmin: derived("build"),
    indisready: derived("build"),
    indislive: derived("build"),
    indisreplident: modeled("Table.replicaIdentity { index }", ["REPLICA IDENTITY USING INDEX"]),
    indkey: modeled("Index.keys", [PULL], { render: columnNames("x.indrelid", "x.indkey") }),
    indcollation: modeled("IndexKey.collation", ["index key COLLATE"], { render: collationName("x.indcollation") }),
    indclass: modeled("IndexKey.opclass", ["index operator class text_pattern_ops"], {
      render: opclassNames("x.indclass"),
    }),
    indoption: modeled("IndexKey.descending, IndexKey.nulls", ["index DESC NULLS LAST", "index NULLS FIRST"]),
    indexprs: modeled("IndexKey.expression", [PULL], { render: "pg_get_indexdef(x.indexrelid)" }),
    indpred: modeled("Index.where", [PULL], { render: "pg_get_expr(x.indpred, x.indrelid)" }),
  },
  pg_constraint: {
    oid: derived("oid"),
    conname: modeled("constraint names", [PULL], {
      probes: [{
        name: "named NOT NULL constraint",
        sql: "create table t (a int constraint t_a_required not null)",
        reported: "public.t",
        since: 18,
      }],
    }),
    connamespace: derived("schema"),
    contype: modeled("PrimaryKey, UniqueConstraint, ForeignKey, CheckConstraint", [PULL]),
    condeferrable: modeled("deferrable", ["deferrable UNIQUE", "initially deferred PRIMARY KEY"]),
    condeferred: modeled("deferrable: deferred", ["initially deferred UNIQUE"]),
    conenforced: unmanaged("NOT ENFORCED", [{
      name: "constraint NOT ENFORCED",
      sql: "create table t (a int); alter table t add constraint t_a_check check (a > 0) not enforced",
      reported: "public.t",
      since: 18,
    }]),
    convalidated: modeled("ForeignKey/CheckConstraint.notValid", ["NOT VALID CHECK", "NOT VALID foreign key"]),
    conrelid: derived("key"),
    contypid: derived("domain"),
    conindid: derived("index"),
    conparentid: derived("partition"),
    confrelid: modeled("ForeignKey.refTable", [PULL], { render: "x.confrelid::regclass::text" }),
    confupdtype: modeled("ForeignKey.onUpdate", [PULL]),
    confdeltype: modeled("ForeignKey.onDelete", [PULL]),
    confmatchtype: modeled("ForeignKey.match", ["foreign key MATCH FULL"]),
    conislocal: derived("inheritance"),
    coninhcount: derived("inheritance"),
    connoinherit: modeled("CheckConstraint.noInherit", ["CHECK NO INHERIT"]),
    conperiod: unmanaged("WITHOUT OVERLAPS / PERIOD", [{
      name: "primary key WITHOUT OVERLAPS",
      sql: "create table t (room int4range, during tstzrange, primary key (room, during without overlaps))",
      reported: "public.t",
      since: 18,
    }]),
    conkey: modeled("constraint columns", [PULL], { render: columnNames("x.conrelid", "x.conkey") }),
    confkey: modeled("ForeignKey.refColumns", [PULL], { render: columnNames("x.confrelid", "x.confkey") }),
    conpfeqop: derived("operators"),
    conppeqop: derived("operators"),
    conffeqop: derived("operators"),
    confdelsetcols: unmanaged("ON DELETE SET NULL/DEFAULT (columns)", [{
      name: "ON DELETE SET NULL with columns",
      sql: "create table p (tenant int, id int, primary key (tenant, id)); " +
        "create table t (tenant int not null, parent int, " +
        "foreign key (tenant, parent) references p on delete set null (parent))",
      reported: "public.t",
      since: 15,
    }], columnNames("x.conrelid", "x.confdelsetcols")),
    conexclop: unmanaged("exclusion operators (see indisexclusion)", [], "x.conexclop::regoper[]::text"),
    conbin: modeled("CheckConstraint.expression", [PULL], { render: "pg_get_constraintdef(x.oid)" }),
  },
  pg_sequence: {
    seqrelid: derived("key"),
    seqtypid: derived("column"),
    seqstart: modeled("Column.identityOptions.start", ["identity START WITH"], {
      probes: [{
        name: "serial column's sequence options",
        sql: "create table t (id serial primary key); alter sequence t_id_seq increment by 5 start with 100",
        reported: "public.t",
      }],
    }),
    seqincrement: modeled("Column.identityOptions.increment", [
      "identity INCREMENT BY",
      "identity negative INCREMENT BY",
    ]),
    seqmax: modeled("Column.identityOptions.maxValue", ["identity MINVALUE and MAXVALUE"]),
    seqmin: modeled("Column.identityOptions.minValue", ["identity MINVALUE and MAXVALUE"]),
    seqcache: modeled("Column.identityOptions.cache", ["identity CACHE"]),
    seqcycle: modeled("Column.identityOptions.cycle", ["identity CYCLE"]),
  },
  pg_type: {
    oid: derived("oid"),
    typname: modeled("EnumType.name, composite and range type names", ["composite type column and array"]),
    typnamespace: modeled("type schema", [PULL], { render: "x.typnamespace::regnamespace::text" }),
    typowner: derived("environment"),
    typlen: derived("kind"),
    typbyval: derived("kind"),
    typtype: modeled("enum, composite, range (domains are listed by pull)", ["range type column and array"]),
    typcategory: derived("kind"),
    typispreferred: derived("kind"),
    typisdefined: derived("shell"),
    typdelim: derived("kind"),
    typrelid: derived("composite"),
    typsubscript: derived("kind"),
    typelem: derived("array"),
    typarray: derived("array"),
    typinput: derived("functions"),
    typoutput: derived("functions"),
    typreceive: derived("functions"),
    typsend: derived("functions"),
    typmodin: derived("functions"),
    typmodout: derived("functions"),
    typanalyze: derived("functions"),
    typalign: derived("kind"),
    typstorage: derived("kind"),
    typnotnull: derived("domain"),
    typbasetype: derived("domain"),
    typtypmod: derived("domain"),
    typndims: derived("domain"),
    typcollation: derived("domain"),
    typdefaultbin: derived("domain"),
    typdefault: derived("domain"),
    typacl: unmanaged("GRANT USAGE on the type", [{
      name: "type privileges",
      sql: "create type t_mood as enum ('ok'); revoke usage on type t_mood from public",
      reported: "public.t_mood",
    }], "x.typacl::text"),
  },
  pg_range: {
    rngtypid: derived("key"),
    rngsubtype: modeled("range type subtype", ["range type column and array"], {
      render: "x.rngsubtype::regtype::text",
    }),
    rngmultitypid: modeled("range type multirange_type_name", ["range type options"], {
      render: "x.rngmultitypid::regtype::text",
    }),
    rngcollation: modeled("range type collation", ["range type options"], {
      render: collationName("array[x.rngcollation]"),
    }),
    rngsubopc: modeled("range type subtype_opclass", ["range type options"], {
      render: opclassNames("array[x.rngsubopc]"),
    }),
    rngcanonical: unmanaged("range CANONICAL function (no probe: it must be written in C)", []),
    rngsubdiff: modeled("range type subtype_diff", ["range type options"]),
  },
  pg_partitioned_table: {
    partrelid: derived("key"),
    partstrat: modeled("partitioning strategy", ["range partitioning", "list partitioning", "hash partitioning"]),
    partnatts: derived("count"),
    partdefid: modeled("default partition", ["range partitioning"], { render: "x.partdefid::regclass::text" }),
    partattrs: modeled("partition key columns", ["range partitioning"], {
      render: columnNames("x.partrelid", "x.partattrs"),
    }),
    partclass: modeled("partition key operator classes", ["partition key COLLATE and operator class"], {
      render: opclassNames("x.partclass"),
    }),
    partcollation: modeled("partition key collations", ["partition key COLLATE and operator class"], {
      render: collationName("x.partcollation"),
    }),
    partexprs: modeled("partition key expressions", ["partition key expression"], {
      render: "pg_get_partkeydef(x.partrelid)",
    }),
  },
  pg_inherits: {
    inhrelid: derived("key"),
    inhparent: modeled("partition parent", ["range partitioning"], {
      render: "x.inhparent::regclass::text",
      probes: [{
        name: "table inheritance",
        sql: "create table p (a int); create table t (b int) inherits (p)",
        reported: "public.t",
      }],
    }),
    inhseqno: derived("order"),
    inhdetachpending: derived("transient"),
  },
  pg_description: {
    objoid: derived("key"),
    classoid: derived("key"),
    objsubid: derived("key"),
    description: modeled("Table.comment, Column.comment", ["table and column comments", "table comment"], {
      probes: [
        {
          name: "comment on an index",
          sql: "create table t (a int); create index t_a_idx on t (a); " +
            "comment on index t_a_idx is 'x'",
          reported: "public.t_a_idx",
        },
        {
          name: "comment on a constraint",
          sql: "create table t (a int constraint t_a_check check (a > 0)); " +
            "comment on constraint t_a_check on t is 'x'",
          reported: "public.t",
        },
        {
          name: "comment on a type",
          sql: "create type t_mood as enum ('ok'); comment on type t_mood is 'x'",
          reported: "public.t_mood",
        },
      ],
    }),
  },
};
