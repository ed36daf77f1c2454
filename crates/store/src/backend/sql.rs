//! What truly differs between the backends, and nothing else: running one SQL text on SQLite or
//! PostgreSQL. Every capability writes its SQL once, as ordinary code, against this small
//! layer:
//!
//! - [`query`] / [`query_built`] make a [`Query`]; [`Query::bind`] adds a [`Value`];
//!   [`Query::execute`], [`Query::fetch_all`], [`Query::fetch_one`] and
//!   [`Query::fetch_optional`] run it on a pool or inside a transaction ([`On`]).
//! - [`Tx`] is a transaction on either backend; [`Backend`] is what a store gives the
//!   capabilities: its [`Pool`], a plain transaction, and a *write* transaction (`BEGIN
//!   IMMEDIATE` on SQLite, a transaction-scoped advisory lock on PostgreSQL) that serialises
//!   appends to the audit chain.
//! - [`AnyRow`] is a row of either backend, read with `try_get` or the typed
//!   `RowExt` (`backend::row`).
//!
//! The SQL uses `$n` placeholders, which SQLite also accepts. Values are the few types the
//! schema stores (integers and text, each optional), so the binding below is all the
//! per-backend code there is.

use crate::backend::error::Result;
use async_trait::async_trait;
use sqlx::postgres::{PgArguments, PgPool, PgRow};
use sqlx::sqlite::{SqliteArguments, SqlitePool, SqliteRow};
use sqlx::{Postgres, Sqlite, Transaction};

/// A value bound to a placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// An integer.
    Int(Option<i64>),
    /// A text.
    Text(Option<String>),
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(Some(v))
    }
}
impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Self {
        Value::Int(v)
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(Some(v))
    }
}
impl From<Option<String>> for Value {
    fn from(v: Option<String>) -> Self {
        Value::Text(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(Some(v.to_owned()))
    }
}

#[derive(Debug, Clone)]
enum Text {
    Static(&'static str),
    Built(String),
}

/// One SQL text with its bound values, not yet run.
#[derive(Debug, Clone)]
#[must_use = "a query does nothing until it is run"]
pub struct Query {
    sql: Text,
    args: Vec<Value>,
}

/// A query from a fixed SQL text.
pub fn query(sql: &'static str) -> Query {
    Query {
        sql: Text::Static(sql),
        args: Vec::new(),
    }
}

/// A query from SQL built at run time; the caller asserts it holds placeholders only, every
/// value being bound (as `sqlx::AssertSqlSafe` does).
pub fn query_built(sql: sqlx::AssertSqlSafe<String>) -> Query {
    Query {
        sql: Text::Built(sql.0),
        args: Vec::new(),
    }
}

/// A pool of either backend (cheap to clone: the pools are shared handles).
#[derive(Debug, Clone)]
pub enum Pool {
    /// SQLite.
    Sqlite(SqlitePool),
    /// PostgreSQL.
    Postgres(PgPool),
}

/// A transaction of either backend; dropped without [`Tx::commit`], it rolls back.
#[derive(Debug)]
pub enum Tx {
    /// SQLite.
    Sqlite(Transaction<'static, Sqlite>),
    /// PostgreSQL.
    Postgres(Transaction<'static, Postgres>),
}

impl Tx {
    /// Commits.
    pub async fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }
}

/// Where a query runs: on a pool (one statement, its own transaction) or inside a transaction.
pub enum On<'a> {
    /// A connection from the pool.
    Pool(Pool),
    /// The open transaction.
    Tx(&'a mut Tx),
}

impl From<Pool> for On<'_> {
    fn from(p: Pool) -> Self {
        On::Pool(p)
    }
}
impl<'a> From<&'a mut Tx> for On<'a> {
    fn from(t: &'a mut Tx) -> Self {
        On::Tx(t)
    }
}

/// A row of either backend.
#[derive(Debug)]
pub enum AnyRow {
    /// SQLite.
    Sqlite(SqliteRow),
    /// PostgreSQL.
    Postgres(PgRow),
}

impl AnyRow {
    /// The value of a column, decoded as `T` (a type both backends decode).
    pub fn try_get<T>(&self, col: &str) -> std::result::Result<T, sqlx::Error>
    where
        T: for<'r> sqlx::Decode<'r, Sqlite> + sqlx::Type<Sqlite>,
        T: for<'r> sqlx::Decode<'r, Postgres> + sqlx::Type<Postgres>,
    {
        use sqlx::Row;
        match self {
            AnyRow::Sqlite(r) => r.try_get(col),
            AnyRow::Postgres(r) => r.try_get(col),
        }
    }
}

/// What a write statement did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Done {
    rows_affected: u64,
}

impl Done {
    /// How many rows it changed.
    pub fn rows_affected(self) -> u64 {
        self.rows_affected
    }
}

type SqliteQuery = sqlx::query::Query<'static, Sqlite, SqliteArguments>;
type PgQuery = sqlx::query::Query<'static, Postgres, PgArguments>;

impl Query {
    /// Binds the next placeholder.
    pub fn bind(mut self, v: impl Into<Value>) -> Query {
        self.args.push(v.into());
        self
    }

    /// The sqlx query for one backend: the same text and values, whichever it is.
    fn on<DB>(self) -> sqlx::query::Query<'static, DB, <DB as sqlx::Database>::Arguments>
    where
        DB: sqlx::Database,
        Option<i64>: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
        Option<String>: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    {
        let q = match self.sql {
            Text::Static(s) => sqlx::query(s),
            Text::Built(s) => sqlx::query(sqlx::AssertSqlSafe(s)),
        };
        self.args.into_iter().fold(q, |q, v| match v {
            Value::Int(i) => q.bind(i),
            Value::Text(t) => q.bind(t),
        })
    }

    fn sqlite(self) -> SqliteQuery {
        self.on::<Sqlite>()
    }

    fn postgres(self) -> PgQuery {
        self.on::<Postgres>()
    }

    /// Runs a statement.
    pub async fn execute<'a>(self, on: impl Into<On<'a>>) -> Result<Done> {
        let rows_affected = match on.into() {
            On::Pool(Pool::Sqlite(p)) => self.sqlite().execute(&p).await?.rows_affected(),
            On::Pool(Pool::Postgres(p)) => self.postgres().execute(&p).await?.rows_affected(),
            On::Tx(Tx::Sqlite(t)) => self.sqlite().execute(&mut **t).await?.rows_affected(),
            On::Tx(Tx::Postgres(t)) => self.postgres().execute(&mut **t).await?.rows_affected(),
        };
        Ok(Done { rows_affected })
    }

    /// Every row.
    pub async fn fetch_all<'a>(self, on: impl Into<On<'a>>) -> Result<Vec<AnyRow>> {
        Ok(match on.into() {
            On::Pool(Pool::Sqlite(p)) => rows(self.sqlite().fetch_all(&p).await?, AnyRow::Sqlite),
            On::Pool(Pool::Postgres(p)) => {
                rows(self.postgres().fetch_all(&p).await?, AnyRow::Postgres)
            }
            On::Tx(Tx::Sqlite(t)) => rows(self.sqlite().fetch_all(&mut **t).await?, AnyRow::Sqlite),
            On::Tx(Tx::Postgres(t)) => {
                rows(self.postgres().fetch_all(&mut **t).await?, AnyRow::Postgres)
            }
        })
    }

    /// Exactly one row (no row is an error).
    pub async fn fetch_one<'a>(self, on: impl Into<On<'a>>) -> Result<AnyRow> {
        Ok(match on.into() {
            On::Pool(Pool::Sqlite(p)) => AnyRow::Sqlite(self.sqlite().fetch_one(&p).await?),
            On::Pool(Pool::Postgres(p)) => AnyRow::Postgres(self.postgres().fetch_one(&p).await?),
            On::Tx(Tx::Sqlite(t)) => AnyRow::Sqlite(self.sqlite().fetch_one(&mut **t).await?),
            On::Tx(Tx::Postgres(t)) => AnyRow::Postgres(self.postgres().fetch_one(&mut **t).await?),
        })
    }

    /// The first row, if any.
    pub async fn fetch_optional<'a>(self, on: impl Into<On<'a>>) -> Result<Option<AnyRow>> {
        Ok(match on.into() {
            On::Pool(Pool::Sqlite(p)) => {
                self.sqlite().fetch_optional(&p).await?.map(AnyRow::Sqlite)
            }
            On::Pool(Pool::Postgres(p)) => self
                .postgres()
                .fetch_optional(&p)
                .await?
                .map(AnyRow::Postgres),
            On::Tx(Tx::Sqlite(t)) => self
                .sqlite()
                .fetch_optional(&mut **t)
                .await?
                .map(AnyRow::Sqlite),
            On::Tx(Tx::Postgres(t)) => self
                .postgres()
                .fetch_optional(&mut **t)
                .await?
                .map(AnyRow::Postgres),
        })
    }
}

fn rows<R>(v: Vec<R>, wrap: fn(R) -> AnyRow) -> Vec<AnyRow> {
    v.into_iter().map(wrap).collect()
}

/// What a store gives its capabilities: the pool and its transactions.
#[async_trait]
pub trait Backend: Send + Sync {
    /// The pool.
    fn pool(&self) -> Pool;

    /// A plain transaction.
    async fn begin(&self) -> Result<Tx> {
        Ok(match self.pool() {
            Pool::Sqlite(p) => Tx::Sqlite(p.begin().await?),
            Pool::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// A write transaction holding the audit-append lock, so that two writers cannot both
    /// read the same audit head and fork the chain.
    async fn begin_write(&self) -> Result<Tx>;
}
