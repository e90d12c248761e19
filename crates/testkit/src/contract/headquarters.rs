//! Headquarters: the duty roster.

use super::*;

pub fn duty_roster_flags_headquarters_with_no_one_on_duty(store: &Store) {
    let w = world(store);
    let at = t0() + Duration::minutes(30);
    let b = board(&w, "officer", at).unwrap();
    assert_eq!(b.counts.hqs_without_duty, 2);
    let mofa = w.mofa;
    run(store, "mofa.head", at, |c, ctx| {
        honbu_store::headquarters::duty(
            c,
            ctx,
            mofa,
            &Duty {
                on: true,
                user: None,
            },
        )
    })
    .unwrap();
    let b = board(&w, "officer", at).unwrap();
    assert_eq!(b.counts.hqs_without_duty, 1);
    assert_eq!(
        b.hqs.iter().find(|h| h.id == mofa).unwrap().on_duty[0].name,
        "mofa.head (test)"
    );
    // Not a member: refused. Twice on: conflict.
    let e = run(store, "lima.analyst", at, |c, ctx| {
        honbu_store::headquarters::duty(
            c,
            ctx,
            mofa,
            &Duty {
                on: true,
                user: None,
            },
        )
    })
    .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e:?}");
    let e = run(store, "mofa.head", at, |c, ctx| {
        honbu_store::headquarters::duty(
            c,
            ctx,
            mofa,
            &Duty {
                on: true,
                user: None,
            },
        )
    })
    .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e:?}");
    run(store, "mofa.head", at, |c, ctx| {
        honbu_store::headquarters::duty(
            c,
            ctx,
            mofa,
            &Duty {
                on: false,
                user: None,
            },
        )
    })
    .unwrap();
    assert_eq!(board(&w, "officer", at).unwrap().counts.hqs_without_duty, 2);
}
