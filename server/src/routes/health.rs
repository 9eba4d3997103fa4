//! `GET /api/v1/health`: is the server up (for load balancers and the operator).

use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Health {
    pub ok: bool,
}

#[utoipa::path(
    get,
    path = super::HEALTH_PATH,
    tag = "meta",
    responses((status = 200, description = "The server is up", body = Health))
)]
pub(crate) async fn health() -> Json<Health> {
    Json(Health { ok: true })
}
