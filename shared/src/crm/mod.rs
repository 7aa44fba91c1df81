//! CRM lookups, support tools and human escalation (issue 5).
//!
//! - [`schema`]: the tool definitions of `config/tools.json` and argument validation;
//! - [`tools`]: [`tools::CrmTools`], the `ToolRegistry` answering the four tools;
//! - [`create_once`]: exactly-once `createTicket` through the idempotency records;
//! - [`pending`]: records that hand a tool call the webhook could not finish to the worker;
//! - [`side_effects`]: the worker's hooks (caller context, escalation, late results, notes);
//! - [`caller_context`], [`escalation`], [`call_control`], [`results`], [`seed`];
//! - [`config`]: adapter selection from the environment.
//!
//! Design and storage layout: `docs/crm.md`.

pub mod call_control;
pub mod caller_context;
pub mod config;
pub mod create_once;
pub mod escalation;
pub mod pending;
pub mod results;
pub mod schema;
pub mod seed;
pub mod side_effects;
pub mod tools;

pub use tools::{CrmTools, CrmToolsDeps, Deferred, ToolSettings};
