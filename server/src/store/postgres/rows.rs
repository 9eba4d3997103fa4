//! The PostgreSQL backend's SQL for the sync spine: campaigns, invites and device links,
//! volunteers and devices, turfs and assignments, households and people, events and
//! tombstones, and what a push reads of the calling rounds. Literals beside the function
//! that runs them, numbered parameters, the same meaning as the SQLite module of the same
//! family.

use std::collections::{HashMap, HashSet};

use uuid::Uuid;

use groundgame_core::script::VersionedScript;
use groundgame_core::{
    CampaignConfig, CampaignId, DeviceId, Event, EventBody, EventId, Hlc, Household, HouseholdId,
    Person, PersonId, Role, TimeZone, Turf, TurfId, VolunteerId,
};
use postgres::GenericClient;

use crate::store::codes;
use crate::store::{DeviceAuth, NewHousehold, NewPerson, Registration, StoreError};
use crate::sync::push::{DoNotCallSource, NewEvent, PhoneOutcome, StoredEvent, Tenure};
use crate::turfs::route;

pub(crate) type Db<'a> = &'a mut dyn GenericClientDyn;

/// `postgres::GenericClient` is not object safe; the few calls used here are.
pub(crate) trait GenericClientDyn {
    fn exec(
        &mut self,
        sql: &str,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> Result<u64, postgres::Error>;
    fn rows(
        &mut self,
        sql: &str,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> Result<Vec<postgres::Row>, postgres::Error>;
}

impl<C: GenericClient> GenericClientDyn for C {
    fn exec(
        &mut self,
        sql: &str,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> Result<u64, postgres::Error> {
        // Prepared and run: two round trips (see `Prepared` for the hot paths).
        let stmt = self.prepare(sql)?;
        self.execute(&stmt, params)
    }
    fn rows(
        &mut self,
        sql: &str,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> Result<Vec<postgres::Row>, postgres::Error> {
        let stmt = self.prepare(sql)?;
        self.query(&stmt, params)
    }
}

/// A transaction that prepares each statement once and runs it as often as asked: a push
/// of a thousand events parses its insert once, not a thousand times, which halves its
/// round trips. (The statements are closed when this drops; they never outlive the
/// connection they were prepared on.)
pub(crate) struct Prepared<'a, 'c> {
    pub(crate) tx: &'a mut postgres::Transaction<'c>,
    statements: HashMap<String, postgres::Statement>,
}

impl<'a, 'c> Prepared<'a, 'c> {
    pub(crate) fn new(tx: &'a mut postgres::Transaction<'c>) -> Self {
        Prepared {
            tx,
            statements: HashMap::new(),
        }
    }

    /// Reuse statements a transaction on the same connection prepared before (a group
    /// commit's pushes share them: preparing is a round trip each).
    pub(crate) fn adopt(&mut self, statements: HashMap<String, postgres::Statement>) {
        self.statements.extend(statements);
    }

    /// The statements prepared so far, for the next transaction on this connection.
    pub(crate) fn into_statements(self) -> HashMap<String, postgres::Statement> {
        self.statements
    }

    fn statement(&mut self, sql: &str) -> Result<postgres::Statement, postgres::Error> {
        if let Some(stmt) = self.statements.get(sql) {
            return Ok(stmt.clone());
        }
        let stmt = self.tx.prepare(sql)?;
        self.statements.insert(sql.to_owned(), stmt.clone());
        Ok(stmt)
    }
}

impl GenericClientDyn for Prepared<'_, '_> {
    fn exec(
        &mut self,
        sql: &str,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> Result<u64, postgres::Error> {
        let stmt = self.statement(sql)?;
        self.tx.execute(&stmt, params)
    }
    fn rows(
        &mut self,
        sql: &str,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> Result<Vec<postgres::Row>, postgres::Error> {
        let stmt = self.statement(sql)?;
        self.tx.query(&stmt, params)
    }
}

fn one(
    db: Db<'_>,
    sql: &str,
    params: &[&(dyn postgres::types::ToSql + Sync)],
) -> Result<Option<postgres::Row>, StoreError> {
    Ok(db.rows(sql, params)?.into_iter().next())
}

fn ms(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn role(value: &str) -> Result<Role, StoreError> {
    Role::parse(value).ok_or_else(|| StoreError::Corrupt(format!("unknown role {value:?}")))
}

// --- campaigns ------------------------------------------------------------------------

pub(crate) fn create_campaign(
    db: Db<'_>,
    name: &str,
    time_zone: TimeZone,
    now_ms: u64,
) -> Result<CampaignId, StoreError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(StoreError::Invalid(
            "a campaign needs a name of 1 to 200 characters".into(),
        ));
    }
    let row = one(
        db,
        "INSERT INTO campaigns (name, config, created_at, time_zone) VALUES ($1, '{}', $2, $3) \
         RETURNING id",
        &[&name, &ms(now_ms), &time_zone.name()],
    )?
    .ok_or_else(|| StoreError::Corrupt("no id for the new campaign".into()))?;
    let id = CampaignId(row.get(0));
    let config = CampaignConfig::with_defaults(id, name);
    let json = serde_json::to_string(&config)
        .map_err(|e| StoreError::Corrupt(format!("campaign config: {e}")))?;
    db.exec(
        "UPDATE campaigns SET config = $1 WHERE id = $2",
        &[&json, &id.0],
    )?;
    db.exec(
        "INSERT INTO campaign_feeds (campaign_id, last_seq) VALUES ($1, 0)",
        &[&id.0],
    )?;
    Ok(id)
}

pub(crate) fn campaigns(db: Db<'_>) -> Result<Vec<(CampaignId, String)>, StoreError> {
    Ok(db
        .rows("SELECT id, name FROM campaigns ORDER BY id", &[])?
        .iter()
        .map(|r| (CampaignId(r.get(0)), r.get(1)))
        .collect())
}

/// The campaign's time zone.
pub(crate) fn time_zone(db: Db<'_>, campaign: CampaignId) -> Result<TimeZone, StoreError> {
    let row = one(
        db,
        "SELECT time_zone FROM campaigns WHERE id = $1",
        &[&campaign.0],
    )?
    .ok_or(StoreError::NotFound("campaign"))?;
    let name: String = row.get(0);
    TimeZone::parse(&name).map_err(|e| StoreError::Corrupt(format!("campaign time zone: {e}")))
}

/// Set the campaign's time zone.
pub(crate) fn set_time_zone(
    db: Db<'_>,
    campaign: CampaignId,
    zone: TimeZone,
) -> Result<(), StoreError> {
    let changed = db.exec(
        "UPDATE campaigns SET time_zone = $1 WHERE id = $2",
        &[&zone.name(), &campaign.0],
    )?;
    if changed == 0 {
        return Err(StoreError::NotFound("campaign"));
    }
    Ok(())
}

fn campaign_exists(db: Db<'_>, campaign: CampaignId) -> Result<bool, StoreError> {
    Ok(one(db, "SELECT 1 FROM campaigns WHERE id = $1", &[&campaign.0])?.is_some())
}

/// The stored configuration (codes and questions; no scripts).
pub(crate) fn config(db: Db<'_>, campaign: CampaignId) -> Result<CampaignConfig, StoreError> {
    let row = one(
        db,
        "SELECT config FROM campaigns WHERE id = $1",
        &[&campaign.0],
    )?
    .ok_or(StoreError::NotFound("campaign"))?;
    let json: String = row.get(0);
    serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(format!("campaign config: {e}")))
}

/// The configuration as devices receive it, with the latest version of each script.
pub(crate) fn config_with_scripts(
    db: Db<'_>,
    campaign: CampaignId,
) -> Result<CampaignConfig, StoreError> {
    let mut config = config(db, campaign)?;
    let rows = db.rows(
        "SELECT DISTINCT ON (key) version, body FROM scripts
         WHERE campaign_id = $1 ORDER BY key, version DESC",
        &[&campaign.0],
    )?;
    config.scripts = rows
        .iter()
        .map(|r| {
            let version: i64 = r.get(0);
            let body: String = r.get(1);
            let script = serde_json::from_str(&body)
                .map_err(|e| StoreError::Corrupt(format!("script: {e}")))?;
            Ok(VersionedScript {
                campaign,
                version: u32::try_from(version)
                    .map_err(|_| StoreError::Corrupt("script version".into()))?,
                script,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    config.time_zone = time_zone(db, campaign)?;
    Ok(config)
}

// --- invites and device links ---------------------------------------------------------

pub(crate) fn create_invite(
    db: Db<'_>,
    key: &codes::CodeKey,
    campaign: CampaignId,
    role: Role,
    uses: u32,
    expires_at_ms: u64,
    now_ms: u64,
) -> Result<String, StoreError> {
    if !campaign_exists(db, campaign)? {
        return Err(StoreError::NotFound("campaign"));
    }
    if uses == 0 {
        return Err(StoreError::Invalid(
            "an invite needs at least one use".into(),
        ));
    }
    loop {
        let code = codes::generate(codes::length_for(role));
        let inserted = db.exec(
            "INSERT INTO invites (code_hash, campaign_id, role, uses_left, max_uses, expires_at,
                                  created_at)
             VALUES ($1, $2, $3, $4, $4, $5, $6) ON CONFLICT (code_hash) DO NOTHING",
            &[
                &key.hash(&code).as_slice(),
                &campaign.0,
                &role.as_str(),
                &i64::from(uses),
                &ms(expires_at_ms),
                &ms(now_ms),
            ],
        )?;
        if inserted == 1 {
            return Ok(code);
        }
    }
}

/// Use one registration of an invite: its campaign and role, or why it cannot be used.
/// The row is locked, so two devices racing for the last use cannot both have it.
pub(crate) fn redeem_invite(
    db: Db<'_>,
    key: &codes::CodeKey,
    code: &str,
    now_ms: u64,
) -> Result<(CampaignId, Role), StoreError> {
    // The keyed hash, or the unkeyed one an invite made before codes were keyed carries.
    let [keyed, unkeyed] = key.lookups(code);
    let row = one(
        db,
        "SELECT campaign_id, role, uses_left, expires_at, code_hash FROM invites
         WHERE code_hash IN ($1, $2)
         FOR UPDATE",
        &[&keyed.as_slice(), &unkeyed.as_slice()],
    )?
    .ok_or(StoreError::InviteUnknown)?;
    let (campaign, role_name, uses_left, expires_at): (i64, String, i64, i64) =
        (row.get(0), row.get(1), row.get(2), row.get(3));
    let hash: Vec<u8> = row.get(4);
    if expires_at <= ms(now_ms) {
        return Err(StoreError::InviteExpired);
    }
    if uses_left <= 0 {
        return Err(StoreError::InviteUsedUp);
    }
    db.exec(
        "UPDATE invites SET uses_left = uses_left - 1 WHERE code_hash = $1",
        &[&hash],
    )?;
    Ok((CampaignId(campaign), role(&role_name)?))
}

pub(crate) fn record_join(
    db: Db<'_>,
    key: &codes::CodeKey,
    code: &str,
    registration: &Registration,
    now_ms: u64,
) -> Result<(), StoreError> {
    let [keyed, unkeyed] = key.lookups(code);
    db.exec(
        "INSERT INTO invite_joins (invite_id, volunteer_id, device_id, joined_at)
         SELECT id, $2, $3, $4 FROM invites WHERE code_hash IN ($1, $5)",
        &[
            &keyed.as_slice(),
            &registration.volunteer.0,
            &registration.device.0,
            &ms(now_ms),
            &unkeyed.as_slice(),
        ],
    )?;
    Ok(())
}

pub(crate) fn create_device_link(
    db: Db<'_>,
    key: &codes::CodeKey,
    device: DeviceId,
    ttl_ms: u64,
    now_ms: u64,
) -> Result<(String, u64), StoreError> {
    let volunteer: i64 = one(
        db,
        "SELECT volunteer_id FROM devices WHERE id = $1 AND revoked_at IS NULL",
        &[&device.0],
    )?
    .ok_or(StoreError::NotFound("device"))?
    .get(0);
    db.exec(
        "DELETE FROM device_links
         WHERE volunteer_id = $1 AND (expires_at <= $2 OR used_at IS NOT NULL)",
        &[&volunteer, &ms(now_ms)],
    )?;
    let expires_at = now_ms + ttl_ms;
    loop {
        let code = codes::generate(codes::SHORT_CODE);
        let [hash, unkeyed] = key.lookups(&code);
        if one(
            db,
            "SELECT 1 FROM invites WHERE code_hash IN ($1, $2)",
            &[&hash.as_slice(), &unkeyed.as_slice()],
        )?
        .is_some()
        {
            continue;
        }
        let inserted = db.exec(
            "INSERT INTO device_links (code_hash, volunteer_id, created_by, created_at,
                                       expires_at)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (code_hash) DO NOTHING",
            &[
                &hash.as_slice(),
                &volunteer,
                &device.0,
                &ms(now_ms),
                &ms(expires_at),
            ],
        )?;
        if inserted == 1 {
            return Ok((code, expires_at));
        }
    }
}

pub(crate) fn redeem_device_link(
    db: Db<'_>,
    key: &codes::CodeKey,
    code: &str,
    now_ms: u64,
) -> Result<Option<(VolunteerId, CampaignId, Role)>, StoreError> {
    let hash = key.hash(code);
    let Some(row) = one(
        db,
        "SELECT l.volunteer_id, l.expires_at, l.used_at, v.campaign_id, v.role
         FROM device_links l
         JOIN volunteers v ON v.id = l.volunteer_id
         JOIN devices d ON d.id = l.created_by AND d.revoked_at IS NULL
         WHERE l.code_hash = $1
         FOR UPDATE OF l",
        &[&hash.as_slice()],
    )?
    else {
        return Ok(None);
    };
    let used_at: Option<i64> = row.get(2);
    if used_at.is_some() {
        return Err(StoreError::InviteUsedUp);
    }
    if row.get::<_, i64>(1) <= ms(now_ms) {
        return Err(StoreError::InviteExpired);
    }
    db.exec(
        "UPDATE device_links SET used_at = $2 WHERE code_hash = $1",
        &[&hash.as_slice(), &ms(now_ms)],
    )?;
    Ok(Some((
        VolunteerId(row.get(0)),
        CampaignId(row.get(3)),
        role(&row.get::<_, String>(4))?,
    )))
}

pub(crate) fn record_link_use(
    db: Db<'_>,
    key: &codes::CodeKey,
    code: &str,
    device: DeviceId,
) -> Result<(), StoreError> {
    db.exec(
        "UPDATE device_links SET used_by = $2 WHERE code_hash = $1",
        &[&key.hash(code).as_slice(), &device.0],
    )?;
    Ok(())
}

// --- volunteers and devices -----------------------------------------------------------

pub(crate) fn add_volunteer(
    db: Db<'_>,
    campaign: CampaignId,
    role: Role,
    name: &str,
    now_ms: u64,
) -> Result<VolunteerId, StoreError> {
    let row = one(
        db,
        "INSERT INTO volunteers (campaign_id, name, role, created_at) VALUES ($1, $2, $3, $4)
         RETURNING id",
        &[&campaign.0, &name, &role.as_str(), &ms(now_ms)],
    )?
    .ok_or_else(|| StoreError::Corrupt("no id for the new volunteer".into()))?;
    Ok(VolunteerId(row.get(0)))
}

pub(crate) fn add_device(
    db: Db<'_>,
    volunteer: VolunteerId,
    device_name: &str,
    app_version: &str,
    token_hash: &[u8; 32],
    now_ms: u64,
) -> Result<DeviceId, StoreError> {
    let row = one(
        db,
        "INSERT INTO devices (volunteer_id, name, token_hash, app_version, created_at,
                              last_seen_at)
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
        &[
            &volunteer.0,
            &device_name,
            &token_hash.as_slice(),
            &app_version,
            &ms(now_ms),
        ],
    )?
    .ok_or_else(|| StoreError::Corrupt("no id for the new device".into()))?;
    Ok(DeviceId(row.get(0)))
}

pub(crate) fn device_by_token(
    db: Db<'_>,
    token_hash: &[u8; 32],
) -> Result<Option<DeviceAuth>, StoreError> {
    let Some(r) = one(
        db,
        "SELECT d.id, v.id, v.campaign_id, v.role, d.revoked_at IS NOT NULL, d.last_seen_at,
                d.created_at
         FROM devices d JOIN volunteers v ON v.id = d.volunteer_id
         WHERE d.token_hash = $1",
        &[&token_hash.as_slice()],
    )?
    else {
        return Ok(None);
    };
    Ok(Some(DeviceAuth {
        device: DeviceId(r.get(0)),
        volunteer: VolunteerId(r.get(1)),
        campaign: CampaignId(r.get(2)),
        role: role(&r.get::<_, String>(3))?,
        revoked: r.get(4),
        last_seen_at: u64::try_from(r.get::<_, i64>(5)).unwrap_or(0),
        registered_at: u64::try_from(r.get::<_, i64>(6)).unwrap_or(0),
    }))
}

pub(crate) fn touch_device(db: Db<'_>, device: DeviceId, now_ms: u64) -> Result<(), StoreError> {
    db.exec(
        "UPDATE devices SET last_seen_at = GREATEST(last_seen_at, $2) WHERE id = $1",
        &[&device.0, &ms(now_ms)],
    )?;
    Ok(())
}

pub(crate) fn record_push(
    db: Db<'_>,
    device: DeviceId,
    now_ms: u64,
    pending: u32,
    app_version: Option<&str>,
) -> Result<(), StoreError> {
    db.exec(
        "UPDATE devices SET last_seen_at = GREATEST(last_seen_at, $2), pending = $3,
             app_version = COALESCE($4, app_version)
         WHERE id = $1",
        &[&device.0, &ms(now_ms), &i64::from(pending), &app_version],
    )?;
    Ok(())
}

/// [`record_push`] for a group's pushes in one statement: per device, in order, the latest
/// time seen, the last push's waiting count and its version when it sent one.
pub(crate) fn record_pushes(
    db: Db<'_>,
    pushes: &[crate::sync::push::DevicePush<'_>],
) -> Result<(), StoreError> {
    let mut latest: Vec<(i64, i64, i64, Option<String>)> = Vec::new();
    for p in pushes {
        let seen = ms(p.now_ms);
        match latest.iter_mut().find(|l| l.0 == p.device.0) {
            Some(l) => {
                l.1 = l.1.max(seen);
                l.2 = i64::from(p.pending);
                if let Some(v) = p.app_version {
                    l.3 = Some(v.to_owned());
                }
            }
            None => latest.push((
                p.device.0,
                seen,
                i64::from(p.pending),
                p.app_version.map(str::to_owned),
            )),
        }
    }
    let ids: Vec<i64> = latest.iter().map(|l| l.0).collect();
    let seen: Vec<i64> = latest.iter().map(|l| l.1).collect();
    let pending: Vec<i64> = latest.iter().map(|l| l.2).collect();
    let versions: Vec<Option<String>> = latest.into_iter().map(|l| l.3).collect();
    db.exec(
        "UPDATE devices d SET last_seen_at = GREATEST(d.last_seen_at, v.seen), pending = v.pending,
             app_version = COALESCE(v.version, d.app_version)
         FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[])
              AS v(id, seen, pending, version)
         WHERE d.id = v.id",
        &[&ids, &seen, &pending, &versions],
    )?;
    Ok(())
}

pub(crate) fn revoke_device(db: Db<'_>, device: DeviceId, now_ms: u64) -> Result<(), StoreError> {
    let found = db.exec(
        "UPDATE devices SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1",
        &[&device.0, &ms(now_ms)],
    )?;
    if found == 0 {
        return Err(StoreError::NotFound("device"));
    }
    Ok(())
}

pub(crate) fn device_campaign(
    db: Db<'_>,
    device: DeviceId,
) -> Result<Option<CampaignId>, StoreError> {
    Ok(one(
        db,
        "SELECT v.campaign_id FROM devices d JOIN volunteers v ON v.id = d.volunteer_id
         WHERE d.id = $1",
        &[&device.0],
    )?
    .map(|r| CampaignId(r.get(0))))
}

pub(crate) fn volunteer_campaign(
    db: Db<'_>,
    volunteer: VolunteerId,
) -> Result<Option<CampaignId>, StoreError> {
    Ok(one(
        db,
        "SELECT campaign_id FROM volunteers WHERE id = $1",
        &[&volunteer.0],
    )?
    .map(|r| CampaignId(r.get(0))))
}

// --- turfs and assignments ------------------------------------------------------------

pub(crate) fn create_turf(
    db: Db<'_>,
    campaign: CampaignId,
    name: &str,
    now_ms: u64,
) -> Result<TurfId, StoreError> {
    if !campaign_exists(db, campaign)? {
        return Err(StoreError::NotFound("campaign"));
    }
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(StoreError::Invalid(
            "a turf needs a name of 1 to 200 characters".into(),
        ));
    }
    let row = one(
        db,
        "INSERT INTO turfs (campaign_id, name, created_at) VALUES ($1, $2, $3) RETURNING id",
        &[&campaign.0, &name, &ms(now_ms)],
    )?
    .ok_or_else(|| StoreError::Corrupt("no id for the new turf".into()))?;
    Ok(TurfId(row.get(0)))
}

pub(crate) fn turf_campaign(db: Db<'_>, turf: TurfId) -> Result<Option<CampaignId>, StoreError> {
    Ok(one(
        db,
        "SELECT campaign_id FROM turfs WHERE id = $1",
        &[&turf.0],
    )?
    .map(|r| CampaignId(r.get(0))))
}

pub(crate) fn assignees(db: Db<'_>, turf: TurfId) -> Result<Vec<VolunteerId>, StoreError> {
    Ok(db
        .rows(
            "SELECT DISTINCT volunteer_id FROM assignments
             WHERE turf_id = $1 AND unassigned_at IS NULL ORDER BY volunteer_id",
            &[&turf.0],
        )?
        .iter()
        .map(|r| VolunteerId(r.get(0)))
        .collect())
}

pub(crate) fn set_assignees(
    db: Db<'_>,
    turf: TurfId,
    volunteers: &[VolunteerId],
    now_ms: u64,
) -> Result<(), StoreError> {
    let campaign = turf_campaign(db, turf)?.ok_or(StoreError::NotFound("turf"))?;
    let wanted: HashSet<VolunteerId> = volunteers.iter().copied().collect();
    for volunteer in &wanted {
        if volunteer_campaign(db, *volunteer)? != Some(campaign) {
            return Err(StoreError::Invalid(format!(
                "there is no volunteer {volunteer} in this turf's campaign; choose one of its \
                 volunteers (listed at /api/v1/volunteers)"
            )));
        }
    }
    let current: HashSet<VolunteerId> = assignees(db, turf)?.into_iter().collect();
    for gone in current.difference(&wanted) {
        db.exec(
            "UPDATE assignments SET unassigned_at = $3
             WHERE turf_id = $1 AND volunteer_id = $2 AND unassigned_at IS NULL",
            &[&turf.0, &gone.0, &ms(now_ms)],
        )?;
    }
    for new in wanted.difference(&current) {
        db.exec(
            "INSERT INTO assignments (turf_id, volunteer_id, assigned_at) VALUES ($1, $2, $3)",
            &[&turf.0, &new.0, &ms(now_ms)],
        )?;
    }
    Ok(())
}

fn turf_rows(rows: &[postgres::Row]) -> Vec<Turf> {
    rows.iter()
        .map(|r| Turf {
            id: TurfId(r.get(0)),
            campaign: CampaignId(r.get(1)),
            name: r.get(2),
        })
        .collect()
}

pub(crate) fn campaign_turfs(db: Db<'_>, campaign: CampaignId) -> Result<Vec<Turf>, StoreError> {
    Ok(turf_rows(&db.rows(
        "SELECT id, campaign_id, name FROM turfs WHERE campaign_id = $1 ORDER BY id",
        &[&campaign.0],
    )?))
}

pub(crate) fn assigned_turfs(db: Db<'_>, volunteer: VolunteerId) -> Result<Vec<Turf>, StoreError> {
    Ok(turf_rows(&db.rows(
        "SELECT DISTINCT t.id, t.campaign_id, t.name
         FROM assignments a JOIN turfs t ON t.id = a.turf_id
         WHERE a.volunteer_id = $1 AND a.unassigned_at IS NULL
         ORDER BY t.id",
        &[&volunteer.0],
    )?))
}

pub(crate) fn ever_assigned(
    db: Db<'_>,
    volunteer: VolunteerId,
) -> Result<HashMap<TurfId, Tenure>, StoreError> {
    Ok(db
        .rows(
            "SELECT turf_id, bool_or(unassigned_at IS NULL), max(unassigned_at)
             FROM assignments WHERE volunteer_id = $1 GROUP BY turf_id",
            &[&volunteer.0],
        )?
        .iter()
        .map(|r| (TurfId(r.get(0)), Tenure::of(r.get(1), r.get(2))))
        .collect())
}

/// [`ever_assigned`] for several volunteers in one query.
pub(crate) fn ever_assigned_many(
    db: Db<'_>,
    volunteers: &[VolunteerId],
) -> Result<HashMap<VolunteerId, HashMap<TurfId, Tenure>>, StoreError> {
    let ids: Vec<i64> = volunteers.iter().map(|v| v.0).collect();
    let mut out: HashMap<VolunteerId, HashMap<TurfId, Tenure>> =
        volunteers.iter().map(|v| (*v, HashMap::new())).collect();
    for r in db.rows(
        "SELECT volunteer_id, turf_id, bool_or(unassigned_at IS NULL), max(unassigned_at)
         FROM assignments WHERE volunteer_id = ANY($1) GROUP BY volunteer_id, turf_id",
        &[&ids],
    )? {
        out.entry(VolunteerId(r.get(0)))
            .or_default()
            .insert(TurfId(r.get(1)), Tenure::of(r.get(2), r.get(3)));
    }
    Ok(out)
}

// --- the feed: households, people, events, tombstones ---------------------------------

/// Numbers handed out inside one transaction that holds its campaign's feed row.
pub(crate) struct Feed {
    pub campaign: CampaignId,
    pub last: i64,
}

impl Feed {
    /// Lock the campaign's feed row until the transaction ends and read its counter.
    pub(crate) fn begin(db: Db<'_>, campaign: CampaignId) -> Result<Feed, StoreError> {
        let row = one(
            db,
            "SELECT last_seq FROM campaign_feeds WHERE campaign_id = $1 FOR UPDATE",
            &[&campaign.0],
        )?
        .ok_or(StoreError::NotFound("campaign"))?;
        Ok(Feed {
            campaign,
            last: row.get(0),
        })
    }

    pub(crate) fn take(&mut self) -> i64 {
        self.last += 1;
        self.last
    }

    pub(crate) fn finish(self, db: Db<'_>) -> Result<(), StoreError> {
        set_feed(db, self.campaign, self.last)
    }
}

pub(crate) fn set_feed(db: Db<'_>, campaign: CampaignId, last: i64) -> Result<(), StoreError> {
    db.exec(
        "UPDATE campaign_feeds SET last_seq = $2 WHERE campaign_id = $1",
        &[&campaign.0, &last],
    )?;
    Ok(())
}

pub(crate) fn insert_person(
    db: Db<'_>,
    seq: i64,
    id: PersonId,
    campaign: CampaignId,
    household: HouseholdId,
    turf: TurfId,
    p: &NewPerson,
) -> Result<(), StoreError> {
    db.exec(
        "INSERT INTO people (id, household_id, turf_id, seq, source_id, first_name, last_name,
                             birth_year, party, phone, language, campaign_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        &[
            &id.0,
            &household.0,
            &turf.0,
            &seq,
            &p.source_id,
            &p.first_name,
            &p.last_name,
            &p.birth_year.map(i64::from),
            &p.party,
            &p.phone,
            &p.language,
            &campaign.0,
        ],
    )?;
    Ok(())
}

/// Insert households and their people into a turf, then recompute its walking order.
pub(crate) fn add_households(
    db: Db<'_>,
    feed: &mut Feed,
    turf: TurfId,
    households: &[(NewHousehold, Vec<NewPerson>)],
) -> Result<Vec<HouseholdId>, StoreError> {
    let campaign = feed.campaign;
    let mut ids = Vec::with_capacity(households.len());
    for (h, _) in households {
        let row = one(
            db,
            "INSERT INTO households (campaign_id, turf_id, seq, street, number, unit, city, zip,
                                     lat, lon, walk_order)
             VALUES ($1, $2, 0, $3, $4, $5, $6, $7, $8, $9, 0) RETURNING id",
            &[
                &campaign.0,
                &turf.0,
                &h.street,
                &h.number,
                &h.unit,
                &h.city,
                &h.zip,
                &h.lat,
                &h.lon,
            ],
        )?
        .ok_or_else(|| StoreError::Corrupt("no id for the new household".into()))?;
        ids.push(HouseholdId(row.get(0)));
    }
    resequence(db, feed, turf)?;
    for (id, (_, persons)) in ids.iter().zip(households) {
        for p in persons {
            let seq = feed.take();
            insert_person(db, seq, PersonId::new_v7(), campaign, *id, turf, p)?;
        }
    }
    Ok(ids)
}

/// A household row (`id, _, _, street, number, unit, lat, lon`) as the router takes it.
pub(crate) fn doorstep(r: &postgres::Row) -> route::Doorstep {
    route::Doorstep {
        id: r.get(0),
        street: r.get(3),
        number: r.get(4),
        unit: r.get(5),
        lat: r.get(6),
        lon: r.get(7),
    }
}

/// The doors' ids in walking order: along the campaign's streets where it has a map and
/// the doors have places (see `turfs::route`).
pub(crate) fn walking_order(
    db: Db<'_>,
    campaign: CampaignId,
    doors: Vec<route::Doorstep>,
) -> Result<Vec<i64>, StoreError> {
    let streets = match route::frame(&doors) {
        Some(area) => super::map::streets_within(db, campaign, &area)?,
        None => Vec::new(),
    };
    Ok(route::walking_order(doors, &streets))
}

/// Recompute a turf's walking order; households that are new or moved get a new `seq`,
/// and a moved household's people and events follow right after it (as on SQLite).
fn resequence(db: Db<'_>, feed: &mut Feed, turf: TurfId) -> Result<(), StoreError> {
    struct Row {
        id: i64,
        seq: i64,
        walk_order: i64,
    }
    let found = db.rows(
        "SELECT id, seq, walk_order, street, number, unit, lat, lon
         FROM households WHERE turf_id = $1",
        &[&turf.0],
    )?;
    let mut rows: Vec<Row> = found
        .iter()
        .map(|r| Row {
            id: r.get(0),
            seq: r.get(1),
            walk_order: r.get(2),
        })
        .collect();
    let doors: Vec<route::Doorstep> = found.iter().map(doorstep).collect();
    let position: HashMap<i64, usize> = walking_order(db, feed.campaign, doors)?
        .into_iter()
        .enumerate()
        .map(|(i, id)| (id, i))
        .collect();
    rows.sort_by_key(|r| position.get(&r.id).copied().unwrap_or(usize::MAX));
    let moved = rows
        .iter()
        .enumerate()
        .any(|(i, r)| r.seq != 0 && r.walk_order != i as i64 + 1);
    let mut children: HashMap<i64, (Vec<uuid::Uuid>, Vec<uuid::Uuid>)> = HashMap::new();
    if moved {
        for r in db.rows(
            "SELECT household_id, id FROM people WHERE turf_id = $1 ORDER BY seq",
            &[&turf.0],
        )? {
            children.entry(r.get(0)).or_default().0.push(r.get(1));
        }
        for r in db.rows(
            "SELECT household_id, id FROM events WHERE turf_id = $1 ORDER BY seq",
            &[&turf.0],
        )? {
            children.entry(r.get(0)).or_default().1.push(r.get(1));
        }
    }
    for (position, row) in rows.iter().enumerate() {
        let walk_order = position as i64 + 1;
        if row.seq != 0 && row.walk_order == walk_order {
            continue;
        }
        let seq = feed.take();
        db.exec(
            "UPDATE households SET walk_order = $2, seq = $3 WHERE id = $1",
            &[&row.id, &walk_order, &seq],
        )?;
        if let Some((persons, events)) = children.get(&row.id) {
            for person in persons {
                let seq = feed.take();
                db.exec("UPDATE people SET seq = $2 WHERE id = $1", &[person, &seq])?;
            }
            for event in events {
                let seq = feed.take();
                db.exec("UPDATE events SET seq = $2 WHERE id = $1", &[event, &seq])?;
            }
        }
    }
    Ok(())
}

/// Take a household and its people out of its turf, leaving tombstones for devices.
pub(crate) fn remove_household(
    db: Db<'_>,
    feed: &mut Feed,
    household: HouseholdId,
    turf: TurfId,
) -> Result<(), StoreError> {
    let persons: Vec<uuid::Uuid> = db
        .rows(
            "SELECT id FROM people WHERE household_id = $1",
            &[&household.0],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect();
    for person in &persons {
        let seq = feed.take();
        db.exec(
            "INSERT INTO tombstones (seq, campaign_id, turf_id, person_id) VALUES ($1, $2, $3, $4)",
            &[&seq, &feed.campaign.0, &turf.0, person],
        )?;
    }
    db.exec(
        "DELETE FROM people WHERE household_id = $1",
        &[&household.0],
    )?;
    let seq = feed.take();
    db.exec(
        "INSERT INTO tombstones (seq, campaign_id, turf_id, household_id) VALUES ($1, $2, $3, $4)",
        &[&seq, &feed.campaign.0, &turf.0, &household.0],
    )?;
    db.exec(
        "UPDATE events SET turf_id = NULL WHERE turf_id = $1 AND household_id = $2",
        &[&turf.0, &household.0],
    )?;
    db.exec("DELETE FROM households WHERE id = $1", &[&household.0])?;
    Ok(())
}

pub(crate) fn household_turf(
    db: Db<'_>,
    household: HouseholdId,
) -> Result<Option<(TurfId, CampaignId)>, StoreError> {
    Ok(one(
        db,
        "SELECT turf_id, campaign_id FROM households WHERE id = $1 AND turf_id IS NOT NULL",
        &[&household.0],
    )?
    .map(|r| (TurfId(r.get(0)), CampaignId(r.get(1)))))
}

pub(crate) fn household_home(
    db: Db<'_>,
    household: HouseholdId,
) -> Result<Option<(Option<TurfId>, CampaignId)>, StoreError> {
    Ok(one(
        db,
        "SELECT turf_id, campaign_id FROM households WHERE id = $1",
        &[&household.0],
    )?
    .map(|r| (r.get::<_, Option<i64>>(0).map(TurfId), CampaignId(r.get(1)))))
}

pub(crate) fn household_of(
    db: Db<'_>,
    person: PersonId,
) -> Result<Option<HouseholdId>, StoreError> {
    Ok(one(
        db,
        "SELECT household_id FROM people WHERE id = $1",
        &[&person.0],
    )?
    .map(|r| HouseholdId(r.get(0))))
}

pub(crate) fn household_count(db: Db<'_>, turf: TurfId) -> Result<u32, StoreError> {
    let n: i64 = one(
        db,
        "SELECT COUNT(*) FROM households WHERE turf_id = $1",
        &[&turf.0],
    )?
    .map_or(0, |r| r.get(0));
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

pub(crate) fn next_seqs(
    db: Db<'_>,
    turf: TurfId,
    after: i64,
    limit: u32,
) -> Result<Vec<i64>, StoreError> {
    Ok(db
        .rows(
            "SELECT seq FROM households WHERE turf_id = $1 AND seq > $2
             UNION ALL SELECT seq FROM people WHERE turf_id = $1 AND seq > $2
             UNION ALL SELECT seq FROM events WHERE turf_id = $1 AND seq > $2
             UNION ALL SELECT seq FROM tombstones WHERE turf_id = $1 AND seq > $2
             ORDER BY seq LIMIT $3",
            &[&turf.0, &after, &i64::from(limit)],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect())
}

pub(crate) fn households_page(
    db: Db<'_>,
    turf: TurfId,
    after: i64,
    upto: i64,
) -> Result<Vec<Household>, StoreError> {
    db.rows(
        "SELECT id, street, number, unit, city, zip, lat, lon, walk_order FROM households
         WHERE turf_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq",
        &[&turf.0, &after, &upto],
    )?
    .iter()
    .map(|r| {
        Ok(Household {
            id: HouseholdId(r.get(0)),
            turf,
            street: r.get(1),
            number: r.get(2),
            unit: r.get(3),
            city: r.get(4),
            zip: r.get(5),
            lat: r.get(6),
            lon: r.get(7),
            walk_order: u32::try_from(r.get::<_, i64>(8))
                .map_err(|_| StoreError::Corrupt("walk order".into()))?,
        })
    })
    .collect()
}

pub(crate) fn people_page(
    db: Db<'_>,
    turf: TurfId,
    after: i64,
    upto: i64,
) -> Result<Vec<Person>, StoreError> {
    Ok(db
        .rows(
            "SELECT id, household_id, source_id, first_name, last_name, birth_year, party,
                    phone, language
             FROM people WHERE turf_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq",
            &[&turf.0, &after, &upto],
        )?
        .iter()
        .map(|r| Person {
            id: PersonId(r.get(0)),
            household: HouseholdId(r.get(1)),
            source_id: r.get(2),
            first_name: r.get(3),
            last_name: r.get(4),
            birth_year: r
                .get::<_, Option<i64>>(5)
                .and_then(|y| u16::try_from(y).ok()),
            party: r.get(6),
            phone: r.get(7),
            language: r.get(8),
        })
        .collect())
}

fn events_from(rows: &[postgres::Row]) -> Result<Vec<Event>, StoreError> {
    rows.iter()
        .map(|r| {
            let body: EventBody = serde_json::from_str(r.get::<_, &str>(4))
                .map_err(|e| StoreError::Corrupt(format!("event body: {e}")))?;
            Ok(Event {
                id: EventId(r.get(0)),
                at: Hlc(r.get::<_, i64>(1) as u64),
                household: HouseholdId(r.get(2)),
                person: r.get::<_, Option<uuid::Uuid>>(3).map(PersonId),
                body,
            })
        })
        .collect()
}

pub(crate) fn events_page(
    db: Db<'_>,
    turf: TurfId,
    after: i64,
    upto: i64,
) -> Result<Vec<Event>, StoreError> {
    events_from(&db.rows(
        "SELECT id, at, household_id, person_id, body FROM events
         WHERE turf_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq",
        &[&turf.0, &after, &upto],
    )?)
}

pub(crate) fn campaign_events(db: Db<'_>, campaign: CampaignId) -> Result<Vec<Event>, StoreError> {
    events_from(&db.rows(
        "SELECT id, at, household_id, person_id, body FROM events
         WHERE campaign_id = $1 ORDER BY seq",
        &[&campaign.0],
    )?)
}

pub(crate) fn event_count(db: Db<'_>, campaign: CampaignId) -> Result<u64, StoreError> {
    let n: i64 = one(
        db,
        "SELECT COUNT(*) FROM events WHERE campaign_id = $1",
        &[&campaign.0],
    )?
    .map_or(0, |r| r.get(0));
    Ok(n as u64)
}

pub(crate) fn stale_events(db: Db<'_>, campaign: CampaignId) -> Result<Vec<EventId>, StoreError> {
    Ok(db
        .rows(
            "SELECT id FROM events WHERE campaign_id = $1 AND stale_assignment ORDER BY seq",
            &[&campaign.0],
        )?
        .iter()
        .map(|r| EventId(r.get(0)))
        .collect())
}

pub(crate) fn removed_page(
    db: Db<'_>,
    turf: TurfId,
    after: i64,
    upto: i64,
) -> Result<crate::sync::pull::Removed, StoreError> {
    let mut removed = crate::sync::pull::Removed::default();
    for r in db.rows(
        "SELECT household_id, person_id, event_id FROM tombstones
         WHERE turf_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq",
        &[&turf.0, &after, &upto],
    )? {
        if let Some(h) = r.get::<_, Option<i64>>(0) {
            removed.households.push(HouseholdId(h));
        }
        if let Some(p) = r.get::<_, Option<uuid::Uuid>>(1) {
            removed.people.push(PersonId(p));
        }
        if let Some(e) = r.get::<_, Option<uuid::Uuid>>(2) {
            removed.events.push(EventId(e));
        }
    }
    Ok(removed)
}

/// Free a device's claim on a person (its call's result is held for a lead).
pub(crate) fn free_claim(db: Db<'_>, person: PersonId, device: DeviceId) -> Result<(), StoreError> {
    db.exec(
        "DELETE FROM call_claims WHERE person_id = $1 AND device_id = $2",
        &[&person.0, &device.0],
    )?;
    Ok(())
}

/// A held record a lead dismissed leaves a tombstone in its door's turf, for the phone
/// that holds it as delivered.
pub(crate) fn dismissed_tombstone(
    db: Db<'_>,
    feed: &mut Feed,
    household: HouseholdId,
    event: EventId,
) -> Result<(), StoreError> {
    let turf = one(
        db,
        "SELECT turf_id FROM households WHERE id = $1",
        &[&household.0],
    )?
    .and_then(|r| r.get::<_, Option<i64>>(0));
    if let Some(turf) = turf {
        let seq = feed.take();
        db.exec(
            "INSERT INTO tombstones (seq, campaign_id, turf_id, event_id) VALUES ($1, $2, $3, $4)",
            &[&seq, &feed.campaign.0, &turf, &event.0],
        )?;
    }
    Ok(())
}

/// An accepted event waiting in a push for [`insert_events`].
pub(crate) struct PendingEvent {
    pub(crate) id: EventId,
    seq: i64,
    campaign: i64,
    turf: Option<i64>,
    household: i64,
    person: Option<Uuid>,
    device: i64,
    volunteer: i64,
    at: i64,
    device_at: i64,
    kind: &'static str,
    body: String,
    stale_assignment: bool,
    received_at: i64,
}

impl From<&NewEvent<'_>> for PendingEvent {
    fn from(e: &NewEvent<'_>) -> Self {
        PendingEvent {
            id: e.id,
            seq: e.seq,
            campaign: e.campaign.0,
            turf: e.turf.map(|t| t.0),
            household: e.household.0,
            person: e.person.map(|p| p.0),
            device: e.device.0,
            volunteer: e.volunteer.0,
            at: e.at.0 as i64,
            device_at: e.device_at.0 as i64,
            kind: e.kind,
            body: e.body.to_owned(),
            stale_assignment: e.stale_assignment,
            received_at: ms(e.received_at),
        }
    }
}

/// Insert a push's accepted events in one statement. Their ids were checked against the
/// stored ones under the feed lock; one stored meanwhile by a push to another campaign
/// (a reused id) fails the whole push, which the device then retries and is answered.
pub(crate) fn insert_events(db: Db<'_>, events: &[PendingEvent]) -> Result<(), StoreError> {
    fn column<'e, T>(events: &'e [PendingEvent], f: impl Fn(&'e PendingEvent) -> T) -> Vec<T> {
        events.iter().map(f).collect()
    }
    let changed = db.exec(
        "INSERT INTO events (seq, id, campaign_id, turf_id, household_id, person_id,
                             device_id, volunteer_id, at, device_at, kind, body,
                             stale_assignment, received_at)
         SELECT * FROM unnest($1::BIGINT[], $2::UUID[], $3::BIGINT[], $4::BIGINT[],
                              $5::BIGINT[], $6::UUID[], $7::BIGINT[], $8::BIGINT[],
                              $9::BIGINT[], $10::BIGINT[], $11::TEXT[], $12::TEXT[],
                              $13::BOOLEAN[], $14::BIGINT[])
         ON CONFLICT (id) DO NOTHING",
        &[
            &column(events, |e| e.seq),
            &column(events, |e| e.id.0),
            &column(events, |e| e.campaign),
            &column(events, |e| e.turf),
            &column(events, |e| e.household),
            &column(events, |e| e.person),
            &column(events, |e| e.device),
            &column(events, |e| e.volunteer),
            &column(events, |e| e.at),
            &column(events, |e| e.device_at),
            &column(events, |e| e.kind),
            &column(events, |e| e.body.as_str()),
            &column(events, |e| e.stale_assignment),
            &column(events, |e| e.received_at),
        ],
    )?;
    if changed != events.len() as u64 {
        return Err(StoreError::Corrupt(
            "an event id of this push was stored by another push meanwhile; the push is \
             refused whole and will be answered on its retry"
                .into(),
        ));
    }
    Ok(())
}

/// Where a household is: its turf (if placed) and campaign.
pub(crate) type Home = (Option<TurfId>, CampaignId);

/// [`household_home`] for many households at once (unknown ones map to `None`).
pub(crate) fn household_homes(
    db: Db<'_>,
    households: &[HouseholdId],
) -> Result<HashMap<HouseholdId, Option<Home>>, StoreError> {
    let ids: Vec<i64> = households.iter().map(|h| h.0).collect();
    let mut homes: HashMap<_, _> = households.iter().map(|h| (*h, None)).collect();
    for r in db.rows(
        "SELECT id, turf_id, campaign_id FROM households WHERE id = ANY($1)",
        &[&ids],
    )? {
        homes.insert(
            HouseholdId(r.get(0)),
            Some((r.get::<_, Option<i64>>(1).map(TurfId), CampaignId(r.get(2)))),
        );
    }
    Ok(homes)
}

/// [`household_of`] for many people at once (unknown ones map to `None`).
pub(crate) fn households_of(
    db: Db<'_>,
    people: &[PersonId],
) -> Result<HashMap<PersonId, Option<HouseholdId>>, StoreError> {
    let ids: Vec<Uuid> = people.iter().map(|p| p.0).collect();
    let mut homes: HashMap<_, _> = people.iter().map(|p| (*p, None)).collect();
    for r in db.rows(
        "SELECT id, household_id FROM people WHERE id = ANY($1)",
        &[&ids],
    )? {
        homes.insert(PersonId(r.get(0)), Some(HouseholdId(r.get(1))));
    }
    Ok(homes)
}

/// Which of `ids` are stored events.
pub(crate) fn stored_ids(db: Db<'_>, ids: &[EventId]) -> Result<HashSet<EventId>, StoreError> {
    let ids: Vec<Uuid> = ids.iter().map(|e| e.0).collect();
    Ok(db
        .rows("SELECT id FROM events WHERE id = ANY($1)", &[&ids])?
        .iter()
        .map(|r| EventId(r.get(0)))
        .collect())
}

/// Which of `ids` were ever held for a lead (held, accepted or dismissed).
pub(crate) fn held_ids(db: Db<'_>, ids: &[EventId]) -> Result<HashSet<EventId>, StoreError> {
    let ids: Vec<Uuid> = ids.iter().map(|e| e.0).collect();
    Ok(db
        .rows("SELECT id FROM held_events WHERE id = ANY($1)", &[&ids])?
        .iter()
        .map(|r| EventId(r.get(0)))
        .collect())
}

pub(crate) fn stored_event(db: Db<'_>, id: EventId) -> Result<Option<StoredEvent>, StoreError> {
    stored_in(db, "events", id)
}

/// The record held under this id for a lead.
pub(crate) fn held_event(db: Db<'_>, id: EventId) -> Result<Option<StoredEvent>, StoreError> {
    stored_in(db, "held_events", id)
}

fn stored_in(db: Db<'_>, table: &str, id: EventId) -> Result<Option<StoredEvent>, StoreError> {
    Ok(one(
        db,
        &format!("SELECT household_id, person_id, device_at, body FROM {table} WHERE id = $1"),
        &[&id.0],
    )?
    .map(|r| StoredEvent {
        household: HouseholdId(r.get(0)),
        person: r.get::<_, Option<uuid::Uuid>>(1).map(PersonId),
        device_at: Hlc(r.get::<_, i64>(2) as u64),
        body: r.get(3),
    }))
}

// --- the calling rounds, as a push moves them ------------------------------------------

pub(crate) fn call_scope(
    db: Db<'_>,
    person: PersonId,
    volunteer: VolunteerId,
) -> Result<Option<Tenure>, StoreError> {
    Ok(one(
        db,
        "SELECT bool_or(a.unassigned_at IS NULL), max(a.unassigned_at)
         FROM call_list_members m
         JOIN call_list_assignments a ON a.call_list_id = m.call_list_id
         WHERE m.person_id = $1 AND a.volunteer_id = $2",
        &[&person.0, &volunteer.0],
    )?
    .and_then(|r| {
        r.get::<_, Option<bool>>(0)
            .map(|current| Tenure::of(current, r.get(1)))
    }))
}

// --- records held for a lead (see `sync::push`) ----------------------------------------

pub(crate) fn insert_held(db: Db<'_>, e: &NewEvent<'_>) -> Result<(), StoreError> {
    db.exec(
        "INSERT INTO held_events (id, campaign_id, turf_id, household_id, person_id, device_id,
                                  volunteer_id, at, device_at, kind, body, received_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        &[
            &e.id.0,
            &e.campaign.0,
            &e.turf.map(|t| t.0),
            &e.household.0,
            &e.person.map(|p| p.0),
            &e.device.0,
            &e.volunteer.0,
            &(e.at.0 as i64),
            &(e.device_at.0 as i64),
            &e.kind,
            &e.body,
            &(e.received_at as i64),
        ],
    )?;
    Ok(())
}

/// The household of a person added by a record still held.
pub(crate) fn held_person(db: Db<'_>, person: PersonId) -> Result<Option<HouseholdId>, StoreError> {
    Ok(one(
        db,
        "SELECT household_id FROM held_events
         WHERE person_id = $1 AND kind = 'person_added' AND status = 'held'",
        &[&person.0],
    )?
    .map(|r| HouseholdId(r.get(0))))
}

/// As `sqlite::claims::record_phone_result`: move the person's list entries and free
/// their claims; an older result never undoes a newer one, a retirement is final.
pub(crate) fn record_phone_result(
    db: Db<'_>,
    person: PersonId,
    outcome: PhoneOutcome,
    at_ms: u64,
    caller: VolunteerId,
    delays: (u64, u64),
) -> Result<(), StoreError> {
    let (call_back_delay, later_round_delay) = delays;
    let at = ms(at_ms);
    match outcome {
        PhoneOutcome::Retire => {
            db.exec(
                "UPDATE call_list_members SET round = NULL,
                        last_call_at = GREATEST(last_call_at, $2)
                 WHERE person_id = $1",
                &[&person.0, &at],
            )?;
        }
        PhoneOutcome::LaterRound | PhoneOutcome::CallBack(_) => {
            let (round, due, promised_by) = match outcome {
                PhoneOutcome::CallBack(Some(chosen)) => (0i64, ms(chosen), Some(caller.0)),
                PhoneOutcome::CallBack(None) => (0, at + ms(call_back_delay), Some(caller.0)),
                _ => (2, at + ms(later_round_delay), None),
            };
            db.exec(
                "UPDATE call_list_members
                 SET round = $2, due_at = $3, last_call_at = $4, call_back_by = $5
                 WHERE person_id = $1 AND round IS NOT NULL AND last_call_at <= $4",
                &[&person.0, &round, &due, &at, &promised_by],
            )?;
        }
    }
    db.exec("DELETE FROM call_claims WHERE person_id = $1", &[&person.0])?;
    Ok(())
}

pub(crate) fn add_do_not_call(
    db: Db<'_>,
    campaign: CampaignId,
    phone: &str,
    now_ms: u64,
) -> Result<(), StoreError> {
    db.exec(
        "INSERT INTO do_not_call (campaign_id, phone, created_at) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING",
        &[&campaign.0, &phone, &ms(now_ms)],
    )?;
    Ok(())
}

/// As `sqlite::claims::do_not_call_person`: only the numbers the recorder could know, each
/// addition noted with the entries it retired.
pub(crate) fn do_not_call_person(
    db: Db<'_>,
    campaign: CampaignId,
    person: PersonId,
    source: &DoNotCallSource,
    now_ms: u64,
) -> Result<(), StoreError> {
    let lists_of: Option<i64> = source.lists_of.map(|v| v.0);
    let phones: Vec<String> = db
        .rows(
            "SELECT phone FROM people
             WHERE id = $1 AND phone IS NOT NULL AND source_id <> ''
             UNION
             SELECT m.phone FROM call_list_members m
             WHERE m.person_id = $1
               AND ($2::BIGINT IS NULL OR m.call_list_id IN
                    (SELECT call_list_id FROM call_list_assignments WHERE volunteer_id = $2))",
            &[&person.0, &lists_of],
        )?
        .iter()
        .map(|r| r.get::<_, String>(0))
        .filter(|p| groundgame_core::event::is_e164(p))
        .collect();
    for phone in &phones {
        let retired: Vec<[i64; 5]> = db
            .rows(
                "SELECT call_list_id, position, round, due_at, last_call_at
                 FROM call_list_members
                 WHERE phone = $1 AND round IS NOT NULL
                   AND call_list_id IN (SELECT id FROM call_lists WHERE campaign_id = $2)
                 ORDER BY call_list_id, position",
                &[phone, &campaign.0],
            )?
            .iter()
            .map(|r| [r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)])
            .collect();
        let added = db.exec(
            "INSERT INTO do_not_call (campaign_id, phone, created_at) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING",
            &[&campaign.0, phone, &ms(now_ms)],
        )?;
        if added == 1 {
            let retired = serde_json::to_string(&retired)
                .map_err(|e| StoreError::Corrupt(format!("retired entries: {e}")))?;
            db.exec(
                "INSERT INTO do_not_call_additions (campaign_id, phone, person_id, event_id,
                                                    volunteer_id, device_id, created_at, retired)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                &[
                    &campaign.0,
                    phone,
                    &person.0,
                    &source.event.0,
                    &source.volunteer.0,
                    &source.device.0,
                    &ms(now_ms),
                    &retired,
                ],
            )?;
        }
        db.exec(
            "UPDATE call_list_members SET round = NULL
             WHERE phone = $1
               AND call_list_id IN (SELECT id FROM call_lists WHERE campaign_id = $2)",
            &[phone, &campaign.0],
        )?;
        db.exec(
            "DELETE FROM call_claims WHERE phone = $1
               AND call_list_id IN (SELECT id FROM call_lists WHERE campaign_id = $2)",
            &[phone, &campaign.0],
        )?;
    }
    Ok(())
}

/// Whether the volunteer was ever given a call list.
pub(crate) fn calls_any_list(db: Db<'_>, volunteer: VolunteerId) -> Result<bool, StoreError> {
    Ok(one(
        db,
        "SELECT EXISTS (SELECT 1 FROM call_list_assignments WHERE volunteer_id = $1)",
        &[&volunteer.0],
    )?
    .is_some_and(|r| r.get(0)))
}

pub(crate) fn do_not_call_for(
    db: Db<'_>,
    campaign: CampaignId,
    volunteer: VolunteerId,
) -> Result<Vec<String>, StoreError> {
    Ok(db
        .rows(
            "SELECT d.phone FROM do_not_call d
             WHERE d.campaign_id = $1
               AND EXISTS (SELECT 1 FROM call_list_members m
                           JOIN call_list_assignments a ON a.call_list_id = m.call_list_id
                           WHERE m.phone = d.phone AND a.volunteer_id = $2
                             AND a.unassigned_at IS NULL)
             ORDER BY d.phone",
            &[&campaign.0, &volunteer.0],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect())
}
