//! The SQL of sign-in throttling ([`tsunagu_domain::records::throttle`]): the budget of a
//! client address, read and written in one serialised write so that every server and every
//! parallel request sees the latest state.

use crate::backend::error::Result;
use crate::backend::row::{ts, RowExt};
use crate::backend::sql::{query, Backend, Tx};
use chrono::{DateTime, Utc};
use tsunagu_domain::records::throttle::{AddressBudget, AddressState, ADDRESS_FAILURE_MEMORY};

async fn state_in(tx: &mut Tx, address: &str) -> Result<Option<AddressState>> {
    let row =
        query("select full_at, failures, last_failure from signin_addresses where address = $1")
            .bind(address)
            .fetch_optional(&mut *tx)
            .await?;
    row.map(|r| {
        Ok(AddressState {
            full_at: r.time("full_at")?,
            failures: u32::try_from(r.int("failures")?).unwrap_or(u32::MAX),
            last_failure: r.opt_time("last_failure")?,
        })
    })
    .transpose()
}

async fn store_in(tx: &mut Tx, address: &str, st: &AddressState) -> Result<()> {
    query(
        "insert into signin_addresses (address, full_at, failures, last_failure) \
         values ($1, $2, $3, $4) \
         on conflict (address) do update set full_at = excluded.full_at, \
         failures = excluded.failures, last_failure = excluded.last_failure",
    )
    .bind(address)
    .bind(ts(st.full_at))
    .bind(i64::from(st.failures))
    .bind(st.last_failure.map(ts))
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// See [`crate::SignInStore::admit_address`].
pub(crate) async fn admit_address<B: Backend>(
    b: &B,
    address: &str,
    budget: AddressBudget,
    now: DateTime<Utc>,
) -> Result<std::result::Result<(), DateTime<Utc>>> {
    let mut tx = b.begin_write().await?;
    // Addresses whose budget is full again and whose failures are forgotten can go: the
    // table holds only the addresses seen in the last quarter of an hour or so.
    query("delete from signin_addresses where full_at < $1 and (last_failure is null or last_failure < $2)")
        .bind(ts(now))
        .bind(ts(now - ADDRESS_FAILURE_MEMORY))
        .execute(&mut tx)
        .await?;
    let st = state_in(&mut tx, address).await?;
    match budget.admit(st.as_ref(), now) {
        Ok(next) => {
            store_in(&mut tx, address, &next).await?;
            tx.commit().await?;
            Ok(Ok(()))
        }
        Err(from) => {
            tx.commit().await?;
            Ok(Err(from))
        }
    }
}

/// See [`crate::SignInStore::address_failed`].
pub(crate) async fn address_failed<B: Backend>(
    b: &B,
    address: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = b.begin_write().await?;
    let st = state_in(&mut tx, address)
        .await?
        .unwrap_or_else(|| AddressState::new_at(now));
    store_in(&mut tx, address, &st.failed(now)).await?;
    tx.commit().await?;
    Ok(())
}
