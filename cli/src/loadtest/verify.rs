//! The correctness verdicts of one call: what was accepted (2xx) against what the archive
//! (`GET /calls/{id}`) shows — lost events, duplicates, the report, transcript order.

use std::collections::BTreeMap;

use serde_json::Value;

use super::scenario::{CallPlan, Expect};

/// Verdicts of one call.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CallVerdict {
    /// Distinct events accepted.
    pub accepted: u64,
    /// Events the archive counts (its `events` counter).
    pub archived: u64,
    /// Accepted events missing from the archive.
    pub lost: u64,
    /// Lost events per message type.
    pub lost_by_type: BTreeMap<String, u64>,
    /// Events archived more than once.
    pub duplicates: u64,
    /// Archived items matching no accepted event.
    pub unexpected: u64,
    /// 1 when the call does not have exactly one report (0 otherwise).
    pub report_violation: u64,
    /// Transcript segments not in spoken order.
    pub out_of_order: u64,
    /// Events archived after the report (flagged late).
    pub late: u64,
}

fn items<'a>(view: &'a Value, key: &str) -> &'a [Value] {
    view.get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn ts(v: &Value) -> i64 {
    v.get("ts_ms").and_then(Value::as_i64).unwrap_or(-1)
}

/// Judge one call: `view` is the archive's answer (`None` when the call is unknown),
/// `accepted[i]` tells whether event `i` of the plan was accepted.
pub fn verify_call(plan: &CallPlan, accepted: &[bool], view: Option<&Value>) -> CallVerdict {
    let null = Value::Null;
    let view = view.unwrap_or(&null);
    let events = items(view, "archived_events");
    let segments = items(view, "transcript");
    let report = view.get("report").filter(|r| !r.is_null());
    let mut v = CallVerdict {
        archived: view.get("events").and_then(Value::as_u64).unwrap_or(0),
        late: view.get("late_events").and_then(Value::as_u64).unwrap_or(0),
        ..Default::default()
    };
    let mut matched_events = vec![false; events.len()];
    let mut matched_segments = vec![false; segments.len()];
    let mut missing_items = 0u64;
    let mut report_accepted = false;
    let mut expected_order: Vec<(i64, String)> = Vec::new();
    for (e, ok) in plan.events.iter().zip(accepted) {
        if !ok {
            continue;
        }
        v.accepted += 1;
        let found = match &e.expect {
            Expect::Event(t) => {
                let mut n = 0;
                for (i, item) in events.iter().enumerate() {
                    if ts(item) == e.ts_ms && item.get("type").and_then(Value::as_str) == Some(t) {
                        matched_events[i] = true;
                        n += 1;
                    }
                }
                Some(n)
            }
            Expect::Segment(role) => {
                expected_order.push((e.ts_ms, role.clone()));
                let mut n = 0;
                for (i, item) in segments.iter().enumerate() {
                    if ts(item) == e.ts_ms && item.get("role").and_then(Value::as_str) == Some(role)
                    {
                        matched_segments[i] = true;
                        n += 1;
                    }
                }
                Some(n)
            }
            Expect::Report => {
                report_accepted = true;
                Some(u64::from(report.is_some_and(|r| ts(r) == e.ts_ms)))
            }
            Expect::CounterOnly => None,
        };
        match found {
            Some(0) => {
                missing_items += 1;
                *v.lost_by_type
                    .entry(e.message_type.to_string())
                    .or_insert(0) += 1;
            }
            Some(n) => v.duplicates += n - 1,
            None => {}
        }
    }
    let reports_as_events = events
        .iter()
        .filter(|e| e.get("type").and_then(Value::as_str) == Some("end-of-call-report"))
        .count() as u64;
    if report_accepted && (report.is_none() || reports_as_events > 0) {
        v.report_violation = 1;
    }
    v.unexpected = matched_events.iter().filter(|m| !**m).count() as u64
        + matched_segments.iter().filter(|m| !**m).count() as u64;
    // Events seen only through the counter (partials) are lost when the counter falls short.
    let counter_gap = v.accepted.saturating_sub(v.archived);
    if counter_gap > missing_items {
        *v.lost_by_type
            .entry("transcript(partial)".into())
            .or_insert(0) += counter_gap - missing_items;
    }
    v.lost = missing_items.max(counter_gap);
    // Duplicated items also raise the counter: take the larger of the two signs.
    v.duplicates = v
        .duplicates
        .max(v.archived.saturating_sub(v.accepted + v.unexpected));
    // Spoken order: the archive's segments (as read back), restricted to expected ones,
    // must follow the timestamps of the accepted final transcripts.
    expected_order.sort();
    let archived_order: Vec<(i64, String)> = segments
        .iter()
        .map(|s| {
            (
                ts(s),
                s.get("role")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
            )
        })
        .filter(|k| expected_order.contains(k))
        .collect();
    let mut dedup_archived = archived_order.clone();
    dedup_archived.dedup();
    let present: Vec<&(i64, String)> = expected_order
        .iter()
        .filter(|k| dedup_archived.contains(k))
        .collect();
    v.out_of_order = dedup_archived
        .iter()
        .zip(present)
        .filter(|(a, b)| *a != *b)
        .count() as u64;
    v
}

#[cfg(test)]
mod tests {
    use super::super::corpus::Utterance;
    use super::super::scenario::build_call;
    use super::*;
    use serde_json::json;

    fn plan() -> CallPlan {
        let u: Vec<Utterance> = (0..4)
            .map(|i| serde_json::from_value(json!({ "id": "u", "text": format!("turn {i} words here"), "role": if i % 2 == 0 { "user" } else { "assistant" } })).unwrap())
            .collect();
        let refs: Vec<&Utterance> = u.iter().collect();
        build_call("c1", "+14155550100", 1_000_000, &refs)
    }

    /// The archive view a correct server returns for `plan`.
    fn perfect_view(plan: &CallPlan) -> Value {
        let mut events = vec![];
        let mut transcript = vec![];
        let mut report = Value::Null;
        for e in &plan.events {
            match &e.expect {
                Expect::Event(t) => events.push(json!({ "ts_ms": e.ts_ms, "type": t })),
                Expect::Segment(r) => transcript.push(json!({ "ts_ms": e.ts_ms, "role": r })),
                Expect::Report => report = json!({ "ts_ms": e.ts_ms }),
                Expect::CounterOnly => {}
            }
        }
        json!({ "events": plan.events.len(), "late_events": 0, "archived_events": events, "transcript": transcript, "report": report })
    }

    #[test]
    fn a_perfect_archive_passes() {
        let p = plan();
        let v = verify_call(&p, &vec![true; p.events.len()], Some(&perfect_view(&p)));
        assert_eq!(v.accepted, 27);
        assert_eq!(
            (
                v.lost,
                v.duplicates,
                v.report_violation,
                v.out_of_order,
                v.unexpected
            ),
            (0, 0, 0, 0, 0)
        );
    }

    #[test]
    fn loss_duplicates_missing_report_and_disorder_are_caught() {
        let p = plan();
        let mut view = perfect_view(&p);
        view["archived_events"].as_array_mut().unwrap().remove(1);
        let first = view["transcript"][0].clone();
        view["transcript"].as_array_mut().unwrap().push(first);
        view["report"] = Value::Null;
        let t = view["transcript"].as_array_mut().unwrap();
        t.swap(1, 2);
        let v = verify_call(&p, &vec![true; p.events.len()], Some(&view));
        assert!(v.lost >= 2, "{v:?}");
        assert_eq!(v.lost_by_type.get("status-update"), Some(&1));
        assert_eq!(v.duplicates, 1);
        assert_eq!(v.report_violation, 1);
        assert!(v.out_of_order > 0);
    }

    #[test]
    fn an_unknown_call_loses_everything_accepted() {
        let p = plan();
        let mut accepted = vec![true; p.events.len()];
        accepted[5] = false;
        let v = verify_call(&p, &accepted, None);
        assert_eq!(v.accepted, 26);
        assert_eq!(v.lost, 26);
    }
}
