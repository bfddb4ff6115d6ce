"""Every table, on one MetaData with a naming convention (the single Alembic target).

Personal values never appear here in clear: profile fields and item contents are
encrypted blobs; e-mails are found through a keyed blind index.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

ID = 36  # uuid4 as text: portable across SQLite and PostgreSQL


def _ts(name: str, nullable: bool = False) -> Column[object]:
    return Column(name, DateTime(timezone=True), nullable=nullable)


def _reference_version() -> Column[str]:
    """Reference rows belong to one loaded version and go with it."""
    return Column(
        "version_id",
        String(ID),
        ForeignKey("reference_versions.id", ondelete="CASCADE"),
        primary_key=True,
    )


communities = Table(
    "communities",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("slug", String(63), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    _ts("created_at"),
)

members = Table(
    "members",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("name_blob", LargeBinary, nullable=False),
    Column("email_blob", LargeBinary),
    Column("email_index", String(64), unique=True),
    Column("lang", String(8), nullable=False, server_default="fr"),
    _ts("created_at"),
)

member_keys = Table(
    "member_keys",
    metadata,
    Column("member_id", String(ID), ForeignKey("members.id", ondelete="CASCADE"), primary_key=True),
    Column("master_key_id", String(16), nullable=False),
    Column("wrapped", LargeBinary, nullable=False),
)

memberships = Table(
    "memberships",
    metadata,
    Column(
        "community_id",
        String(ID),
        ForeignKey("communities.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("member_id", String(ID), ForeignKey("members.id", ondelete="CASCADE"), primary_key=True),
    Column("role", String(16), nullable=False),
    _ts("joined_at"),
)

holders = Table(
    "holders",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("slug", String(120), nullable=False, unique=True),
    Column("name", String(300), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("domain", String(255)),
    _ts("created_at"),
)

import_batches = Table(
    "import_batches",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("member_id", String(ID), ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Column("file_name", String(500), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("format", String(64), nullable=False),
    Column("importer_version", String(32), nullable=False),
    Column("status", String(16), nullable=False),
    Column("records_added", Integer, nullable=False, server_default="0"),
    Column("records_duplicate", Integer, nullable=False, server_default="0"),
    Column("items_added", Integer, nullable=False, server_default="0"),
    Column("error_code", String(64)),
    Column("import_id", String(ID)),
    _ts("started_at"),
    _ts("finished_at", nullable=True),
    Index(None, "member_id", "sha256"),
)

data_items = Table(
    "data_items",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("member_id", String(ID), ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(64), nullable=False),
    Column("category", String(200), nullable=False),
    Column("day", Date),
    _ts("period_start", nullable=True),
    _ts("period_end", nullable=True),
    Column("record_count", Integer, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("batch_id", String(ID), ForeignKey("import_batches.id", ondelete="SET NULL")),
    _ts("created_at"),
    UniqueConstraint("member_id", "content_hash"),
    Index(None, "member_id", "kind", "day"),
)

item_blobs = Table(
    "item_blobs",
    metadata,
    Column(
        "item_id", String(ID), ForeignKey("data_items.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("ciphertext", LargeBinary, nullable=False),
)

accounts = Table(
    "accounts",
    metadata,
    Column("member_id", String(ID), ForeignKey("members.id", ondelete="CASCADE"), primary_key=True),
    Column("password_hash", String(200), nullable=False),
    _ts("created_at"),
    _ts("last_login_at", nullable=True),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("member_id", String(ID), ForeignKey("members.id", ondelete="CASCADE")),
    Column("consumer_id", String(ID), ForeignKey("consumers.id", ondelete="CASCADE")),
    Column("name", String(120), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("scopes", Text, nullable=False),
    _ts("created_at"),
    _ts("expires_at", nullable=True),
    _ts("revoked_at", nullable=True),
    _ts("last_used_at", nullable=True),
)

# --- reveal: versioned reference data (public, not personal) ---------------------------

reference_versions = Table(
    "reference_versions",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("source", String(32), nullable=False),  # "whotracksme" | "datenanfragen"
    Column("version", String(120), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("record_count", Integer, nullable=False),
    Column("active", Boolean, nullable=False, server_default=false()),
    _ts("loaded_at"),
    Index(None, "source", "active"),
)

tracker_domains = Table(
    "tracker_domains",
    metadata,
    _reference_version(),
    Column("domain", String(255), primary_key=True),
    Column("tracker_id", String(120), nullable=False),
    Column("tracker_name", String(300), nullable=False),
    Column("category", String(64), nullable=False),
    Column("company_id", String(120)),
    Column("company_name", String(300)),
    Column("website", String(500)),
    Column("privacy_url", String(500)),
)

directory_companies = Table(
    "directory_companies",
    metadata,
    _reference_version(),
    Column("slug", String(200), primary_key=True),
    Column("name", String(500), nullable=False),
    Column("web", String(500)),
    Column("email", String(320)),
    Column("record", Text, nullable=False),  # the directory's JSON record, as loaded
)

directory_templates = Table(
    "directory_templates",
    metadata,
    _reference_version(),
    Column("lang", String(8), primary_key=True),
    Column("name", String(120), primary_key=True),  # e.g. "access-default"
    Column("body", Text, nullable=False),
)

# --- member documents: small mutable records that are personal, so sealed ----------------

member_documents = Table(
    "member_documents",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("member_id", String(ID), ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(64), nullable=False),
    Column("blob", LargeBinary, nullable=False),
    _ts("created_at"),
    _ts("updated_at"),
    Index(None, "member_id", "kind"),
)

# --- trace: the usage log, an append-only RFC 9162 Merkle tree (public, not personal) ----

# INTEGER PRIMARY KEY on SQLite is the rowid itself: appends stay one B-tree insert.
LogIndex = BigInteger().with_variant(Integer(), "sqlite")

# ``hashes``: the leaf hash, then the hash of every complete subtree this leaf's append
# completed, smallest first (32 bytes each; one per trailing 1 bit of leaf_index). So
# node (level, index) is in the row of leaf (index+1)·2^level − 1, at 32·level: an append
# is one row, and a proof's nodes come back from one indexed IN (...) query. The use id
# and time are in leaf_bytes; which leaves a use got is in ``uses`` (first_leaf).
log_leaves = Table(
    "log_leaves",
    metadata,
    Column("leaf_index", LogIndex, primary_key=True, autoincrement=False),
    Column("leaf_bytes", LargeBinary, nullable=False),  # RFC 8785 canonical JSON
    Column("hashes", LargeBinary, nullable=False),
)

log_checkpoints = Table(
    "log_checkpoints",
    metadata,
    Column("tree_size", LogIndex, primary_key=True, autoincrement=False),
    Column("root_hash", LargeBinary(32), nullable=False),
    Column("note", Text, nullable=False),  # the signed note, as published
    _ts("created_at"),
)

# One row (id 1): the size and right border of the tree. Appenders lock it, which is
# what serialises them: never two leaves at one index, never a fork.
log_state = Table(
    "log_state",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("size", BigInteger, nullable=False),
    Column("peaks", LargeBinary, nullable=False),  # 32 bytes per set bit of size
)


# --- the gate: consumers, rules, grants, uses and what consumers derived from them ------

consumers = Table(
    "consumers",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("type", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("contact_email", String(320)),
    Column("website", String(500)),
    Column("address", String(500)),
    _ts("created_at"),
    _ts("approved_at", nullable=True),
)

# Rules are evaluated without the member present, so they are not sealed: they name
# categories, purposes and consumers, never personal values. A changed rule is a new
# row; the old one is retired, so a use can always be checked against the rule it cited.
usage_rules = Table(
    "usage_rules",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("member_id", String(ID), ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Column("effect", String(16), nullable=False),
    Column("body", Text, nullable=False),  # JSON: the rule's constraints and duties
    _ts("created_at"),
    _ts("retired_at", nullable=True),
    Index(None, "member_id", "retired_at"),
)

grants = Table(
    "grants",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("member_id", String(ID), ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Column("consumer_id", String(ID), ForeignKey("consumers.id"), nullable=False),
    Column("purpose", String(300), nullable=False),
    Column("aggregation", String(16), nullable=False),
    Column("body", Text, nullable=False),  # JSON: categories, rule ids, consent events
    _ts("given_at"),
    _ts("expires_at", nullable=True),
    _ts("withdrawn_at", nullable=True),
    Index(None, "member_id"),
    Index(None, "consumer_id", "purpose"),
)

uses = Table(
    "uses",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("consumer_id", String(ID), ForeignKey("consumers.id")),
    Column("purpose", String(300), nullable=False),
    Column("aggregation", String(16), nullable=False),
    Column("decision", String(8), nullable=False),
    Column("request", Text, nullable=False),  # JSON, as received (members named by id)
    Column("first_leaf", LogIndex, nullable=False),
    Column("leaf_count", Integer, nullable=False),
    _ts("created_at"),
    Index(None, "consumer_id", "created_at"),
)

# The private index from members to the uses that concerned them: the public log names
# no member, so this table is what "uses of my data" reads (and it goes with the member).
use_members = Table(
    "use_members",
    metadata,
    Column("use_id", String(ID), ForeignKey("uses.id", ondelete="CASCADE"), primary_key=True),
    Column("member_id", String(ID), ForeignKey("members.id", ondelete="CASCADE"), primary_key=True),
    Column("decision", String(8), nullable=False),
    Column("grant_id", String(ID)),
    Column("leaf_index", LogIndex, nullable=False),
    Column("body", Text, nullable=False),  # JSON: rules, explanation, items, duties
    _ts("created_at"),
    Index(None, "member_id", "created_at"),
)

datasets = Table(
    "datasets",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("consumer_id", String(ID), ForeignKey("consumers.id"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("use_ids", Text, nullable=False),  # JSON list
    _ts("created_at"),
)

products = Table(
    "products",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("consumer_id", String(ID), ForeignKey("consumers.id"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("url", String(500)),
    Column("dataset_ids", Text, nullable=False),  # JSON list
    _ts("created_at"),
)

# --- community currencies: specs, accounts, transfers, daily flows ------------------------

Amount = BigInteger().with_variant(Integer(), "sqlite")  # minor units, always integers

currencies = Table(
    "currencies",
    metadata,
    Column("code", String(8), primary_key=True),
    Column("community_id", String(ID), ForeignKey("communities.id"), nullable=False),
    Column("name", String(120), nullable=False),
    Column("decimals", Integer, nullable=False),
    Column("version", Integer, nullable=False),  # the version in force
    _ts("created_at"),
)

# Every version of a spec is kept as written: changes are new rows, never edits.
currency_specs = Table(
    "currency_specs",
    metadata,
    Column("code", String(8), ForeignKey("currencies.code"), primary_key=True),
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("effective_from", Date, nullable=False),
    Column("spec", Text, nullable=False),  # the TOML text
    _ts("created_at"),
)

ledger_accounts = Table(
    "ledger_accounts",
    metadata,
    Column("id", String(80), primary_key=True),
    Column("currency", String(8), ForeignKey("currencies.code"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("owner", String(ID)),
    Column("lower", BigInteger),
    Column("soft", BigInteger),
    Column("upper", BigInteger),
    Column("posted", Amount, nullable=False, server_default="0"),
    Column("debits_pending", Amount, nullable=False, server_default="0"),
    Column("credits_pending", Amount, nullable=False, server_default="0"),
    Column("lon", Float),
    Column("lat", Float),
    _ts("created_at"),
    UniqueConstraint("currency", "kind", "owner"),
)

ledger_transfers = Table(
    "ledger_transfers",
    metadata,
    Column("seq", LogIndex, primary_key=True, autoincrement=True),  # order of application
    Column("id", String(128), nullable=False, unique=True),  # the client's idempotency key
    Column("currency", String(8), nullable=False),
    Column("debit", String(80), nullable=False),
    Column("credit", String(80), nullable=False),
    Column("amount", Amount, nullable=False),
    Column("category", String(64)),
    Column("state", String(8), nullable=False),
    Column("pending_id", String(128)),
    Column("timeout_s", Integer),
    Column("linked", Boolean, nullable=False, server_default=false()),
    Column("memo", String(500)),
    Column("signature", LargeBinary),  # the payer's Ed25519 signature, for orders
    _ts("at"),
    Index(None, "currency", "at"),
    Index(None, "debit"),
    Index(None, "credit"),
)

ledger_pendings = Table(
    "ledger_pendings",
    metadata,
    Column("transfer_id", String(128), primary_key=True),
    _ts("expires_at", nullable=True),
    Column("status", String(8), nullable=False),
    Column("resolved_by", String(128)),
    _ts("resolved_at", nullable=True),
)

# One row per currency, day and kind of flow once that day's flow is complete: a rerun
# skips it; an interrupted run left no row, and reruns its batches (their transfers have
# deterministic ids, so those already applied answer "exists").
ledger_flows = Table(
    "ledger_flows",
    metadata,
    Column("currency", String(8), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("kind", String(16), primary_key=True),
    Column("accounts", Integer, nullable=False),
    Column("system_leg", Amount, nullable=False),
    Column("amount", Amount),  # the dividend per member, for the next day's formula
    _ts("created_at"),
)

member_signing_keys = Table(
    "member_signing_keys",
    metadata,
    Column("member_id", String(ID), ForeignKey("members.id", ondelete="CASCADE"), primary_key=True),
    Column("public_key", LargeBinary(32), nullable=False),
    _ts("created_at"),
)
