//! Every address of the portal's pages and form posts, as items the pages (links, form actions)
//! and the server (routes, redirects, the page a refused form renders again) share, so an address
//! is spelled once.
//!
//! The page router in `lib.rs` is the one exception: Leptos' `path!` takes literals only. The
//! HTTP tests open the pages through these items, so a router pattern that drifts from them
//! fails there.

/// An address with one identifier in it (`/applications/{id}/withdraw`): as a link with
/// [`Self::at`], as an axum route with [`Self::route`].
#[derive(Clone, Copy, Debug)]
pub struct WithId {
    before: &'static str,
    /// The parameter's name, as the page router names it (axum refuses two names for one spot).
    param: &'static str,
    after: &'static str,
}

impl WithId {
    const fn new(before: &'static str, param: &'static str, after: &'static str) -> Self {
        Self {
            before,
            param,
            after,
        }
    }

    /// The address of one thing. Identifiers are the portal's own (item codes, generated ids), so
    /// they need no escaping.
    pub fn at(&self, id: &str) -> String {
        format!("{}{id}{}", self.before, self.after)
    }

    /// The axum route pattern (`/apply/{code}`).
    pub fn route(&self) -> String {
        format!("{}{{{}}}{}", self.before, self.param, self.after)
    }

    /// The identifier in an address of this shape, if it is one.
    pub fn id_in<'a>(&self, path: &'a str) -> Option<&'a str> {
        path.strip_prefix(self.before)?
            .strip_suffix(self.after)
            .filter(|id| !id.is_empty() && !id.contains('/'))
    }
}

pub const HOME: &str = "/";
pub const ACCESSIBILITY: &str = "/accessibility";
pub const CATALOG: &str = "/items";
pub const HALLS: &str = "/halls";
pub const PROGRESS: &str = "/progress";
pub const MESSAGES: &str = "/messages";
pub const APPLICATIONS: &str = "/applications";
pub const LOGIN: &str = "/login";
pub const LOGIN_BUSINESS: &str = "/login?as=business";
pub const REGISTER: &str = "/register";
pub const REGISTER_BUSINESS: &str = "/register?as=business";
pub const ME: &str = "/me";
pub const STAFF: &str = "/staff";
pub const STAFF_LOGIN: &str = "/staff/login";
pub const STAFF_TOTP: &str = "/staff/totp";
/// The authenticator enrolment's QR code (SVG).
pub const TOTP_QR: &str = "/staff/totp/qr.svg";
/// The 适老化 switch: a GET with the wanted mode, so it works without JavaScript.
pub const DISPLAY_MODE: &str = domain::display::SWITCH_PATH;

/// 办事指南 of one item.
pub const GUIDE: WithId = WithId::new("/items/", "code", "");
/// 一件事 guide of one package.
pub const PACKAGE: WithId = WithId::new("/packages/", "id", "");
/// Starting an application of one item (page and form post).
pub const APPLY: WithId = WithId::new("/apply/", "code", "");
/// Starting an application of one package (page and form post).
pub const APPLY_PACKAGE: WithId = WithId::new("/apply/package/", "id", "");
/// One application: its form while a draft or in 补正, its receipt and progress afterwards.
pub const APPLICATION: WithId = WithId::new("/applications/", "id", "");
/// The printable notices of one application (受理通知书, 不予受理通知书).
pub const NOTICES: WithId = WithId::new("/applications/", "id", "/notices");
/// One case on the staff workbench (一窗受理).
pub const STAFF_CASE: WithId = WithId::new("/staff/cases/", "case_no", "");
/// 窗口收件: the clerk starts a case for someone at the window (page and form post).
pub const STAFF_WINDOW: &str = "/staff/window";
/// A window draft as the clerk fills it in (page and form post).
pub const STAFF_WINDOW_DRAFT: WithId = WithId::new("/staff/window/", "id", "");
/// 电子监察: warning and overdue cases across every scope, and 催办 (supervisors).
pub const STAFF_SUPERVISION: &str = "/staff/supervision";
/// The printable notices of one case, as the workbench hands them over.
pub const STAFF_NOTICES: WithId = WithId::new("/staff/cases/", "case_no", "/notices");
/// The receipt's QR code (an SVG image of the progress lookup's address).
pub const RECEIPT_QR: WithId = WithId::new("/applications/", "id", "/qr.svg");

/// 我的预约, and (posted) a new booking.
pub const APPOINTMENTS: &str = "/appointments";
/// 我要预约: hall → zone or item → day → slot, chosen in the query (`?hall=&zone=&item=&date=`).
pub const BOOK: &str = "/appointments/new";
/// One booking: its code, QR code, check-in and cancelling.
pub const APPOINTMENT: WithId = WithId::new("/appointments/", "id", "");
/// The booking's QR code (its booking code, for the kiosk's scanner).
pub const APPOINTMENT_QR: WithId = WithId::new("/appointments/", "id", "/qr.svg");
/// 好差评: the published figures (the header's 好差评), filtered in the query.
pub const RATINGS: &str = "/ratings";
/// The rating form of one case or ticket (`?case=` or `?ticket=`); posted to [`action::RATE`].
pub const RATE: &str = "/ratings/new";
/// The rating form of one case.
pub fn rate_case(case_no: &str) -> String {
    format!("{RATE}?case={case_no}")
}

/// The rating form of one ticket (its holder's phone).
pub fn rate_ticket(ticket_id: &str) -> String {
    format!("{RATE}?ticket={ticket_id}")
}

/// 我的评价, with the re-rating of an answer.
pub const MY_RATINGS: &str = "/me/ratings";
/// The window's rating tablet (评价器).
pub const RATER: &str = "/rater";
/// 差评整改: the staff queue and one rectification.
pub const STAFF_RECTIFICATIONS: &str = "/staff/rectifications";
pub const STAFF_RECTIFICATION: WithId = WithId::new("/staff/rectifications/", "id", "");
/// A queue ticket: position, estimated wait, the window it is called to.
pub const TICKET: WithId = WithId::new("/queue/tickets/", "id", "");
/// The ticket's QR code (the ticket page's address, printed on the paper ticket).
pub const TICKET_QR: WithId = WithId::new("/queue/tickets/", "id", "/qr.svg");
/// 大厅叫号屏 (a provisioned display).
pub const HALL_DISPLAY: WithId = WithId::new("/halls/", "id", "/display");
/// The display's live updates (Server-Sent Events).
pub const HALL_DISPLAY_EVENTS: WithId = WithId::new("/halls/", "id", "/display/events");
/// The entrance check-in code as a QR code (the phone's check-in address with the code).
pub const ENTRANCE_QR: WithId = WithId::new("/halls/", "id", "/entrance.svg");
/// 自助办: the kiosk's start page (a provisioned kiosk).
pub const KIOSK: WithId = WithId::new("/kiosk/", "hall_id", "");
/// The kiosk's 取号 (page and form post).
pub const KIOSK_TICKET: WithId = WithId::new("/kiosk/", "hall_id", "/ticket");
/// The kiosk's 预约签到 (page and form post).
pub const KIOSK_CHECK_IN: WithId = WithId::new("/kiosk/", "hall_id", "/check-in");
/// A browser becomes a hall device by entering the token an admin provisioned.
pub const DEVICE_ACTIVATE: &str = "/devices/activate";

/// 我要预约 with the choices made so far.
pub fn book_with(hall: &str, zone: &str, item: &str, date: &str) -> String {
    let mut query: Vec<String> = Vec::new();
    for (name, value) in [
        ("hall", hall),
        ("zone", zone),
        ("item", item),
        ("date", date),
    ] {
        if !value.is_empty() {
            query.push(format!("{name}={value}"));
        }
    }
    if query.is_empty() {
        BOOK.into()
    } else {
        format!("{BOOK}?{}", query.join("&"))
    }
}

/// 我的预约 with the entrance code filled in (the entrance screen's QR code leads here).
pub fn check_in_with(code: &str) -> String {
    format!("{APPOINTMENTS}?code={code}")
}

/// A ticket the kiosk just issued: the ticket page, which returns to the kiosk.
pub fn kiosk_ticket(hall_id: &str, ticket_id: &str) -> String {
    format!("{}?kiosk={hall_id}", TICKET.at(ticket_id))
}

/// The login page that continues to `next` (a local path) once signed in.
pub fn login_then(next: &str) -> String {
    format!("{LOGIN}?next={next}")
}

/// The public progress lookup with its case number filled in.
pub fn progress_of(case_no: &str) -> String {
    format!("{PROGRESS}?case_no={case_no}")
}

/// Where the forms post. A refused post renders its page again (`FormName::page` says which).
pub mod action {
    use super::WithId;

    /// A rating from the rating form.
    pub const RATE: &str = "/ratings";
    /// A rating from the window's tablet.
    pub const RATER: &str = super::RATER;
    pub const RE_RATE: WithId = WithId::new("/me/ratings/", "id", "/re-rate");
    pub const RECTIFICATION_CALLBACK: WithId =
        WithId::new("/staff/rectifications/", "id", "/callback");
    pub const RECTIFICATION_ANSWER: WithId = WithId::new("/staff/rectifications/", "id", "/answer");
    pub const RECTIFICATION_APPEAL: WithId = WithId::new("/staff/rectifications/", "id", "/appeal");
    pub const RECTIFICATION_REVIEW: WithId = WithId::new("/staff/rectifications/", "id", "/review");
    pub const RECTIFICATION_PHONE: WithId =
        WithId::new("/staff/rectifications/", "id", "/reveal-phone");

    pub const LOGIN: &str = "/login";
    pub const LOGOUT: &str = "/logout";
    pub const REGISTER: &str = "/register";
    pub const REGISTER_BUSINESS: &str = "/register/business";
    pub const STAFF_LOGIN: &str = "/staff/login";
    pub const STAFF_TOTP: &str = "/staff/totp";
    /// The one-time initial password replaced at first login, before enrolment.
    pub const STAFF_INITIAL_PASSWORD: &str = "/staff/password";
    /// The authenticator enrolment's QR code (SVG).
    pub const TOTP_QR: &str = "/staff/totp/qr.svg";
    pub const PROFILE: &str = "/me/profile";
    pub const REVEAL: &str = "/me/reveal";
    pub const PASSWORD: &str = "/me/password";
    pub const REVOKE_SESSION: &str = "/me/sessions/revoke";
    pub const REVOKE_OTHER_SESSIONS: &str = "/me/sessions/revoke-others";
    pub const ACTING_FOR: &str = "/me/acting-for";
    pub const BUSINESS_PROFILE: &str = "/me/business/profile";
    pub const GRANT_AGENT: &str = "/me/business/agents";
    pub const REVOKE_AGENT: &str = "/me/business/agents/revoke";
    pub const LOOKUP: &str = "/staff/lookup";
    pub const CREATE_STAFF: &str = "/staff/users";
    pub const PROGRESS: &str = "/progress";
    /// Saves, reviews or submits the application form (the page's own address).
    pub const APPLICATION: WithId = super::APPLICATION;
    pub const WITHDRAW: WithId = WithId::new("/applications/", "id", "/withdraw");
    pub const MARK_READ: WithId = WithId::new("/messages/", "id", "/read");
    /// 受理 of a case on the workbench.
    pub const ACCEPT: WithId = WithId::new("/staff/cases/", "case_no", "/accept");
    pub const STAFF_WINDOW: &str = super::STAFF_WINDOW;
    /// Saves, reviews or submits a window draft (the page's own address).
    pub const STAFF_WINDOW_DRAFT: WithId = super::STAFF_WINDOW_DRAFT;
    /// 补正 (一次性告知) of a case on the workbench.
    pub const REQUEST_SUPPLEMENT: WithId =
        WithId::new("/staff/cases/", "case_no", "/request-supplement");
    /// 不予受理 of a case on the workbench.
    pub const REFUSE: WithId = WithId::new("/staff/cases/", "case_no", "/refuse");
    /// The department's steps on a case (后台分类审批).
    pub const START_REVIEW: WithId = WithId::new("/staff/cases/", "case_no", "/start-review");
    pub const SUSPEND: WithId = WithId::new("/staff/cases/", "case_no", "/suspend");
    pub const RESUME: WithId = WithId::new("/staff/cases/", "case_no", "/resume");
    pub const DECIDE: WithId = WithId::new("/staff/cases/", "case_no", "/decide");
    pub const REVOKE: WithId = WithId::new("/staff/cases/", "case_no", "/revoke");
    /// 一车勘验 from a case, and its result (the inspection's id in the form).
    pub const INSPECTION: WithId = WithId::new("/staff/cases/", "case_no", "/inspections");
    pub const INSPECTION_RESULT: WithId =
        WithId::new("/staff/cases/", "case_no", "/inspection-result");
    /// A clerk confirms a 容缺 material (its code in the form).
    pub const CONFIRM_SUPPLEMENT: WithId =
        WithId::new("/staff/cases/", "case_no", "/confirm-supplement");
    /// 催办 from 电子监察.
    pub const REMIND: WithId = WithId::new("/staff/supervision/", "case_no", "/remind");
    /// A new booking (from 我要预约).
    pub const BOOK: &str = super::APPOINTMENTS;
    pub const CANCEL_APPOINTMENT: WithId = WithId::new("/appointments/", "id", "/cancel");
    /// Check-in on the phone with the entrance code.
    pub const CHECK_IN: WithId = WithId::new("/appointments/", "id", "/check-in");
    pub const KIOSK_TICKET: WithId = super::KIOSK_TICKET;
    pub const KIOSK_CHECK_IN: WithId = super::KIOSK_CHECK_IN;
    pub const DEVICE_ACTIVATE: &str = super::DEVICE_ACTIVATE;
    /// 叫下一位 on the workbench.
    pub const CALL_NEXT: &str = "/staff/queue/call-next";
    /// 重呼, 过号, 开始办理, 办结 of the ticket at the clerk's window (the step in the form).
    pub const TICKET_STEP: WithId = WithId::new("/staff/queue/tickets/", "id", "/step");
    /// The applicant hands in a 容缺 material after acceptance.
    pub const SUPPLEMENT: WithId = WithId::new("/applications/", "id", "/supplements");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_with_an_identifier_reads_both_ways() {
        assert_eq!(action::WITHDRAW.at("a-1"), "/applications/a-1/withdraw");
        assert_eq!(action::WITHDRAW.route(), "/applications/{id}/withdraw");
        assert_eq!(APPLY.route(), "/apply/{code}");
        assert_eq!(
            action::WITHDRAW.id_in("/applications/a-1/withdraw"),
            Some("a-1")
        );
        assert_eq!(APPLICATION.id_in("/applications/a-1/withdraw"), None);
        assert_eq!(APPLICATION.id_in("/applications/"), None);
        assert_eq!(APPLY.id_in("/apply/package/p-1"), None);
        assert_eq!(APPLY_PACKAGE.id_in("/apply/package/p-1"), Some("p-1"));
    }
}
