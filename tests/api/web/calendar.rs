//! The calendar feed on the pages: the follow-ups page says how to
//! subscribe, and a write session makes a calendar token whose link is
//! shown once and opens the feed.

use super::*;

#[tokio::test]
async fn the_follow_ups_page_shows_the_webcal_link_and_makes_a_calendar_token() {
    let app = spawn_app().await;
    let b = Browser::signed_in(&app, &app.write, "ja").await;
    let page = b.get("/follow-ups").await;
    assert_eq!(page.status, 200);
    let host = app.base.trim_start_matches("http://");
    let help = page.text("#calendar");
    assert!(help.contains(&format!("webcal://{host}/calendar.ics?token=TOKEN&lang=ja")), "{help}");
    assert!(help.contains("token create --name calendar --scope calendar"), "{help}");
    assert!(help.contains("カレンダーで購読する"), "{help}");

    // Made from the page: the link holds the token, which opens the feed and nothing else.
    let made = b.post("/follow-ups/calendar-token", &[("csrf", &page.csrf()), ("name", "phone")]).await;
    assert_eq!(made.status, 200);
    let link = made.attr("#calendar-webcal", "href").unwrap();
    let token = link.split("token=").nth(1).unwrap().split('&').next().unwrap().to_string();
    let feed = app.client.get(format!("{}/calendar.ics?token={token}", app.base)).send().await.unwrap();
    assert_eq!(feed.status(), 200);
    assert_eq!(app.send(reqwest::Method::GET, "/api/v1/machines", Some(&token), None).await.status, 403);
    let listed = app.store.tokens().await.unwrap();
    assert!(listed.iter().any(|t| t.name == "phone" && t.scope == Scope::Calendar));

    // A name already taken, or none: refused beside the field, nothing made.
    let csrf = b.get("/follow-ups").await.csrf();
    for name in ["phone", ""] {
        let again = b.post("/follow-ups/calendar-token", &[("csrf", &csrf), ("name", name)]).await;
        assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "{name:?}");
        assert!(again.text("#calendar-name-error").starts_with("トークンは作られませんでした"), "{name:?}");
    }
    assert_eq!(app.store.tokens().await.unwrap().len(), listed.len());

    // The token does not sign in to the pages, and the form says why.
    let other = Browser::new(&app, "en");
    let form = other.get("/sign-in").await;
    let refused = other.post("/sign-in", &[("csrf", &form.csrf()), ("token", &token)]).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert!(refused.text("#token-error").starts_with("This is a calendar token"));

    // A read session is not offered the form and may not post it.
    let r = Browser::signed_in(&app, &app.read, "en").await;
    let page = r.get("/follow-ups").await;
    assert!(page.all("form[action='/follow-ups/calendar-token']").is_empty());
    let refused = r.post("/follow-ups/calendar-token", &[("csrf", &page.csrf()), ("name", "x")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}
