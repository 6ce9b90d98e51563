//! 好差评 (DESIGN §7, 国办发〔2019〕51号, GB/T 39734-2020): who rates what, the form and its
//! checks, the 差评 rectification loop (回访核实 → 整改答复 → 再评价, 申诉 → 复核) with its
//! working-day deadlines, and the published figures.
//!
//! Level labels, indicators, reasons and every deadline come from the operator's
//! [`RatingRules`]; localities differ, so nothing here is a constant the code relies on except the
//! scale itself (five levels, 1–2 being 差评), which the national standard fixes.

use crate::calendar::WorkCalendar;
use crate::case_clock::Urgency;
use crate::errors::FieldErrors;
use crate::instant::Instant;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::Date;

/// Levels at or below this are 差评 and need a reason (GB/T 39734).
pub const WORST_GOOD_LEVEL: u8 = 3;

/// Longest comment kept with a rating or an answer, in characters.
pub const MAX_COMMENT_CHARS: usize = 500;

/// The operator's 好差评 rules *(settings)*; config section `ratings`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RatingRules {
    /// A case or a served ticket can be rated for this many days after its decision or service.
    pub window_days: u32,
    /// The five level labels, level 1 first (非常不满意 … 非常满意).
    pub levels: Vec<String>,
    /// The indicators of online service (一事一评), each with its 差评 reasons.
    pub online_indicators: Vec<Indicator>,
    /// The indicators of hall service (一次一评), each with its 差评 reasons.
    pub hall_indicators: Vec<Indicator>,
    /// 回访核实: how many working days after the 差评 the rater must be called back.
    pub callback: Deadline,
    /// 整改 and the answer to the rater, counted from the 差评 (and again from a reopening).
    pub answer: Deadline,
    /// Days the rater has to judge an answer; unjudged, the rectification then closes.
    pub re_rate_days: u32,
}

/// A deadline on the working-day clock with its warning threshold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    pub working_days: u32,
    /// The step is in warning (预警) once this few working days or fewer are left.
    pub warn_when_left: u32,
}

/// One rated aspect (评价指标) and the reasons a 差评 may give for it (GB/T 39734 附录A style).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Indicator {
    /// Stable key in `indicators` of a rating, e.g. `efficiency`.
    pub code: String,
    pub label: String,
    pub reasons: Vec<Reason>,
}

/// A 差评 reason; a rating names it as `<indicator>.<reason>`, e.g. `efficiency.too_slow`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reason {
    pub code: String,
    pub label: String,
}

fn indicator(code: &str, label: &str, reasons: &[(&str, &str)]) -> Indicator {
    Indicator {
        code: code.into(),
        label: label.into(),
        reasons: reasons
            .iter()
            .map(|(code, label)| Reason {
                code: (*code).into(),
                label: (*label).into(),
            })
            .collect(),
    }
}

impl Default for RatingRules {
    fn default() -> Self {
        Self {
            window_days: 15,
            levels: ["非常不满意", "不满意", "基本满意", "满意", "非常满意"]
                .map(String::from)
                .to_vec(),
            online_indicators: vec![
                indicator(
                    "efficiency",
                    "办事效率",
                    &[
                        ("too_slow", "办理时间过长"),
                        ("overdue", "超过承诺时限"),
                        ("repeated_supplements", "多次要求补正材料"),
                        ("no_progress", "办理进度不透明"),
                    ],
                ),
                indicator(
                    "guide_accuracy",
                    "办事指南精确度",
                    &[
                        ("guide_mismatch", "办事指南与实际要求不一致"),
                        ("unclear_materials", "材料要求表述不清"),
                        ("fee_unclear", "收费信息不准确"),
                    ],
                ),
                indicator(
                    "convenience",
                    "办事便捷度",
                    &[
                        ("resubmit", "需要重复提交材料"),
                        ("extra_trips", "需要多次跑腿"),
                        ("not_online", "不能全程网上办理"),
                    ],
                ),
                indicator(
                    "usability",
                    "平台操作性",
                    &[
                        ("complicated", "页面操作复杂"),
                        ("system_fault", "系统故障或卡顿"),
                        ("upload_trouble", "上传材料困难"),
                    ],
                ),
            ],
            hall_indicators: vec![
                indicator(
                    "efficiency",
                    "服务效率",
                    &[
                        ("long_wait", "排队等候时间过长"),
                        ("too_slow", "办理时间过长"),
                        ("few_windows", "开放窗口不足"),
                    ],
                ),
                indicator(
                    "competence",
                    "服务水平",
                    &[
                        ("unskilled", "业务不熟练"),
                        ("not_told_once", "没有一次性告知"),
                        ("wrong_answer", "答复不准确"),
                    ],
                ),
                indicator(
                    "attitude",
                    "服务态度",
                    &[
                        ("rude", "态度生硬"),
                        ("passing_the_buck", "推诿扯皮"),
                        ("impolite", "用语不文明"),
                    ],
                ),
            ],
            callback: Deadline {
                working_days: 1,
                warn_when_left: 0,
            },
            answer: Deadline {
                working_days: 5,
                warn_when_left: 1,
            },
            re_rate_days: 10,
        }
    }
}

impl RatingRules {
    /// The label of `level` (1–5), e.g. 满意.
    pub fn level_label(&self, level: u8) -> String {
        self.levels
            .get(usize::from(level.saturating_sub(1)))
            .cloned()
            .unwrap_or_else(|| format!("{level} 级"))
    }

    pub fn indicators(&self, channel: Channel) -> &[Indicator] {
        match channel {
            Channel::Online => &self.online_indicators,
            Channel::Hall => &self.hall_indicators,
        }
    }

    /// The label of a reason written `<indicator>.<reason>`, with its indicator's label.
    pub fn reason_label(&self, channel: Channel, code: &str) -> Option<String> {
        let (indicator, reason) = code.split_once('.')?;
        let indicator = self
            .indicators(channel)
            .iter()
            .find(|i| i.code == indicator)?;
        let reason = indicator.reasons.iter().find(|r| r.code == reason)?;
        Some(format!("{}：{}", indicator.label, reason.label))
    }

    /// What an operator's configuration gets wrong, if anything (checked at start-up).
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.levels.len() != 5 {
            problems.push("ratings.levels 须有 5 个等级名称（从非常不满意到非常满意）".into());
        }
        for (name, list) in [
            ("online_indicators", &self.online_indicators),
            ("hall_indicators", &self.hall_indicators),
        ] {
            if list.is_empty() {
                problems.push(format!("ratings.{name} 至少要有一项评价指标"));
            }
            let mut codes = std::collections::BTreeSet::new();
            for indicator in list {
                if !codes.insert(&indicator.code) || indicator.code.contains('.') {
                    problems.push(format!(
                        "ratings.{name} 的指标代码“{}”重复或含有“.”",
                        indicator.code
                    ));
                }
                let mut reasons = std::collections::BTreeSet::new();
                if indicator
                    .reasons
                    .iter()
                    .any(|r| !reasons.insert(&r.code) || r.code.contains('.'))
                {
                    problems.push(format!(
                        "ratings.{name} 的“{}”有重复或含有“.”的原因代码",
                        indicator.label
                    ));
                }
                if indicator.reasons.is_empty() {
                    problems.push(format!(
                        "ratings.{name} 的“{}”须列出差评原因",
                        indicator.label
                    ));
                }
            }
        }
        problems
    }
}

/// Where the service was given: online (一事一评, per case) or at a hall window (一次一评, per
/// served ticket).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Online,
    Hall,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Online => "online",
            Self::Hall => "hall",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Online, Self::Hall]
            .into_iter()
            .find(|c| c.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Online => "网上办事",
            Self::Hall => "大厅窗口",
        }
    }
}

/// Where a rating was given from: the portal or the mini-program (both through the API), or the
/// 评价器 at the window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The web portal or the mini-program, signed in.
    Citizen,
    /// The window's rating tablet.
    WindowDevice,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Citizen => "citizen",
            Self::WindowDevice => "window_device",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Citizen, Self::WindowDevice]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// `POST /ratings`: what is rated (a case number or a ticket id) and how.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct RatingRequest {
    /// The case rated (一事一评); give this or `ticket_id`.
    pub case_no: Option<String>,
    /// The served ticket rated (一次一评); give this or `case_no`.
    pub ticket_id: Option<String>,
    /// 整体满意度, 1 (非常不满意) to 5 (非常满意).
    pub level: Option<i64>,
    /// Each indicator of the channel by its code, 1–5.
    pub indicators: BTreeMap<String, i64>,
    /// 差评 reasons as `<indicator>.<reason>`; at least one for levels 1–2.
    pub reasons: Vec<String>,
    pub comment: Option<String>,
}

/// What is being rated, once the request names exactly one thing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subject {
    Case(String),
    Ticket(String),
}

impl RatingRequest {
    /// The one thing rated, or the field error saying what is missing.
    pub fn subject(&self) -> Result<Subject, FieldErrors> {
        let present = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(String::from)
        };
        match (present(&self.case_no), present(&self.ticket_id)) {
            (Some(case_no), None) => Ok(Subject::Case(case_no)),
            (None, Some(ticket)) => Ok(Subject::Ticket(ticket)),
            (Some(_), Some(_)) => Err(FieldErrors::single(
                "case_no",
                "一次评价一项服务：请只写办件编号或排队号中的一个",
            )),
            (None, None) => Err(FieldErrors::single(
                "case_no",
                "请指明要评价的办件（办件编号）或窗口服务（排队号）",
            )),
        }
    }

    /// Checks the form against the channel's indicators and reasons: every error at once.
    pub fn check(
        &self,
        rules: &RatingRules,
        channel: Channel,
    ) -> Result<CheckedRating, FieldErrors> {
        let mut errors = FieldErrors::new();
        let level = match self.level {
            Some(level @ 1..=5) => level as u8,
            Some(_) => {
                errors.add("level", "满意程度应为 1（非常不满意）至 5（非常满意）");
                0
            }
            None => {
                errors.add("level", "请选择满意程度");
                0
            }
        };
        let indicators = rules.indicators(channel);
        let mut scores = BTreeMap::new();
        for indicator in indicators {
            match self.indicators.get(&indicator.code) {
                Some(score @ 1..=5) => {
                    scores.insert(indicator.code.clone(), *score as u8);
                }
                Some(_) => errors.add(
                    format!("indicators.{}", indicator.code),
                    format!("“{}”的评分应为 1 至 5", indicator.label),
                ),
                None => errors.add(
                    format!("indicators.{}", indicator.code),
                    format!("请为“{}”评分", indicator.label),
                ),
            }
        }
        for code in self.indicators.keys() {
            if !indicators.iter().any(|i| &i.code == code) {
                errors.add(
                    format!("indicators.{code}"),
                    format!("{}评价没有这项指标", channel.label()),
                );
            }
        }
        let mut reasons: Vec<String> = Vec::new();
        for code in &self.reasons {
            let code = code.trim();
            if rules.reason_label(channel, code).is_none() {
                errors.add("reasons", "所选的差评原因不在可选范围内，请重新选择");
            } else if !reasons.iter().any(|r| r == code) {
                reasons.push(code.to_owned());
            }
        }
        if (1..WORST_GOOD_LEVEL).contains(&level) && reasons.is_empty() {
            errors.add("reasons", "差评请至少选择一项原因，以便有关部门整改");
        }
        let comment = self
            .comment
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(String::from);
        if comment
            .as_deref()
            .is_some_and(|c| c.chars().count() > MAX_COMMENT_CHARS)
        {
            errors.add("comment", format!("意见建议不超过 {MAX_COMMENT_CHARS} 字"));
        }
        errors.into_result()?;
        Ok(CheckedRating {
            level,
            indicators: scores,
            reasons,
            comment,
        })
    }
}

/// A rating form that passed [`RatingRequest::check`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedRating {
    pub level: u8,
    pub indicators: BTreeMap<String, u8>,
    pub reasons: Vec<String>,
    pub comment: Option<String>,
}

impl CheckedRating {
    pub fn is_bad(&self) -> bool {
        is_bad(self.level)
    }
}

/// Levels 1–2 are 差评.
pub fn is_bad(level: u8) -> bool {
    level < WORST_GOOD_LEVEL
}

/// Whether a rating may still be given `today` for a service finished on `finished`.
pub fn window_open(rules: &RatingRules, finished: Date, today: Date) -> bool {
    today <= finished + time::Duration::days(i64::from(rules.window_days))
}

/// Whether a case in `state` has been decided (准予, 不予许可, 不予受理) or completed, so its
/// applicant may rate it.
pub fn case_rateable(state: crate::application::CaseState) -> bool {
    use crate::application::CaseState::*;
    matches!(state, Approved | Denied | Refused | Issuing | Completed)
}

/// Case events after which the applicant is invited to rate (准予, 不予许可, 不予受理; 办结 later).
pub fn invites_rating(event_kind: &str) -> bool {
    matches!(event_kind, "approved" | "denied" | "refused" | "completed")
}

/// The rater's judgement of the answer to their 差评 (再评价).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReRating {
    Satisfied,
    BasicallySatisfied,
    Unsatisfied,
}

impl ReRating {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Satisfied => "satisfied",
            Self::BasicallySatisfied => "basically_satisfied",
            Self::Unsatisfied => "unsatisfied",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Satisfied, Self::BasicallySatisfied, Self::Unsatisfied]
            .into_iter()
            .find(|r| r.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Satisfied => "满意",
            Self::BasicallySatisfied => "基本满意",
            Self::Unsatisfied => "不满意",
        }
    }
}

/// `POST /ratings/{id}/re-rate`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ReRateRequest {
    /// `satisfied`, `basically_satisfied` or `unsatisfied`.
    pub result: String,
    pub comment: Option<String>,
}

impl ReRateRequest {
    pub fn check(&self) -> Result<(ReRating, Option<String>), FieldErrors> {
        let mut errors = FieldErrors::new();
        let result = ReRating::parse(self.result.trim());
        if result.is_none() {
            errors.add("result", "请选择对整改答复的评价：满意、基本满意或不满意");
        }
        let comment = optional_text(&mut errors, "comment", self.comment.as_deref());
        errors.into_result()?;
        Ok((result.expect("checked"), comment))
    }
}

fn optional_text(errors: &mut FieldErrors, field: &str, text: Option<&str>) -> Option<String> {
    let text = text.map(str::trim).filter(|t| !t.is_empty())?;
    if text.chars().count() > MAX_COMMENT_CHARS {
        errors.add(field, format!("不超过 {MAX_COMMENT_CHARS} 字"));
    }
    Some(text.to_owned())
}

fn required_text(errors: &mut FieldErrors, field: &str, text: &str, missing: &str) -> String {
    let text = text.trim();
    if text.is_empty() {
        errors.add(field, missing);
    } else if text.chars().count() > MAX_COMMENT_CHARS {
        errors.add(field, format!("不超过 {MAX_COMMENT_CHARS} 字"));
    }
    text.to_owned()
}

/// Where a rectification case stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RectificationState {
    /// 待回访: the responsible office must call the rater back.
    CallbackPending,
    /// 整改中: called back; the rectification and the answer are due.
    Rectifying,
    /// 待再评价: answered; the rater judges the answer.
    Answered,
    /// 督查复办: the rater was not satisfied; the supervision office answers once more.
    Reopened,
    /// 已办结.
    Closed,
    /// 已剔除: a 复核 found the rating false or malicious.
    Excluded,
}

impl RectificationState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CallbackPending => "callback_pending",
            Self::Rectifying => "rectifying",
            Self::Answered => "answered",
            Self::Reopened => "reopened",
            Self::Closed => "closed",
            Self::Excluded => "excluded",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::CallbackPending,
            Self::Rectifying,
            Self::Answered,
            Self::Reopened,
            Self::Closed,
            Self::Excluded,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::CallbackPending => "待回访",
            Self::Rectifying => "整改中",
            Self::Answered => "待再评价",
            Self::Reopened => "督查复办",
            Self::Closed => "已办结",
            Self::Excluded => "已剔除",
        }
    }

    /// Still needs someone to act (the office, the supervisor or the rater).
    pub fn is_open(self) -> bool {
        !matches!(self, Self::Closed | Self::Excluded)
    }
}

/// A step of the loop, checked against the state it may start from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// 回访核实 done.
    CallBack,
    /// 整改 done and answered (the office; the supervisor once reopened).
    Answer,
    /// The rater's 满意 / 基本满意 closes; an 不满意 reopens once, then closes.
    ReRate {
        unsatisfied: bool,
        reopened_before: bool,
    },
}

impl RectificationState {
    /// The state `step` leads to, or `None` when it does not apply now.
    pub fn next(self, step: Step) -> Option<Self> {
        use RectificationState::*;
        match (self, step) {
            (CallbackPending, Step::CallBack) => Some(Rectifying),
            (Rectifying | Reopened, Step::Answer) => Some(Answered),
            (
                Answered,
                Step::ReRate {
                    unsatisfied: true,
                    reopened_before: false,
                },
            ) => Some(Reopened),
            (Answered, Step::ReRate { .. }) => Some(Closed),
            _ => None,
        }
    }
}

/// Where an appeal (申诉) stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AppealState {
    /// 复核中.
    Pending,
    /// 维持评价: the rating stays and counts.
    Upheld,
    /// 剔除: excluded from the figures as false or malicious.
    Excluded,
}

impl AppealState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Upheld => "upheld",
            Self::Excluded => "excluded",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Pending, Self::Upheld, Self::Excluded]
            .into_iter()
            .find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "申诉复核中",
            Self::Upheld => "复核维持评价",
            Self::Excluded => "复核剔除",
        }
    }
}

/// `POST /staff/rectifications/{id}/callback`: what the call-back found.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct CallbackRequest {
    /// 回访核实结果: what the rater said and what was verified.
    pub result: String,
}

impl CallbackRequest {
    pub fn check(&self) -> Result<String, FieldErrors> {
        let mut errors = FieldErrors::new();
        let result = required_text(&mut errors, "result", &self.result, "请填写回访核实结果");
        errors.into_result().map(|()| result)
    }
}

/// `POST /staff/rectifications/{id}/answer`: what was put right, told to the rater.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct AnswerRequest {
    /// 整改情况及答复: what the rater reads.
    pub answer: String,
}

impl AnswerRequest {
    pub fn check(&self) -> Result<String, FieldErrors> {
        let mut errors = FieldErrors::new();
        let answer = required_text(&mut errors, "answer", &self.answer, "请填写整改情况和答复");
        errors.into_result().map(|()| answer)
    }
}

/// `POST /staff/rectifications/{id}/appeal`: why the rating is false or malicious, with evidence.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct AppealRequest {
    pub reason: String,
    /// 佐证材料: what the supervisor can check (a recording's reference, a document id).
    pub evidence: String,
}

impl AppealRequest {
    pub fn check(&self) -> Result<(String, String), FieldErrors> {
        let mut errors = FieldErrors::new();
        let reason = required_text(&mut errors, "reason", &self.reason, "请写明申诉理由");
        let evidence = required_text(
            &mut errors,
            "evidence",
            &self.evidence,
            "请写明佐证材料（如录音录像编号、文书编号）",
        );
        errors.into_result().map(|()| (reason, evidence))
    }
}

/// `POST /staff/rectifications/{id}/review` (复核, supervisors).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ReviewRequest {
    /// `upheld` (the rating stays) or `excluded` (false or malicious).
    pub decision: String,
    pub reason: String,
}

impl ReviewRequest {
    pub fn check(&self) -> Result<(AppealState, String), FieldErrors> {
        let mut errors = FieldErrors::new();
        let decision = match AppealState::parse(self.decision.trim()) {
            Some(decision @ (AppealState::Upheld | AppealState::Excluded)) => Some(decision),
            _ => {
                errors.add("decision", "请选择复核结论：维持评价或剔除");
                None
            }
        };
        let reason = required_text(&mut errors, "reason", &self.reason, "请写明复核理由");
        errors.into_result()?;
        Ok((decision.expect("checked"), reason))
    }
}

/// The due dates of a 差评 given on `rated_on`.
pub fn due_dates(rules: &RatingRules, calendar: &WorkCalendar, rated_on: Date) -> (Date, Date) {
    (
        calendar.add_working_days(rated_on, rules.callback.working_days),
        calendar.add_working_days(rated_on, rules.answer.working_days),
    )
}

/// How close the step due on `due` is, read on `today`.
pub fn urgency(calendar: &WorkCalendar, deadline: Deadline, due: Date, today: Date) -> Urgency {
    if today > due {
        return Urgency::Overdue;
    }
    let left = calendar.working_days_between(today, due);
    if left <= i64::from(deadline.warn_when_left) {
        Urgency::Warning
    } else {
        Urgency::OnTime
    }
}

/// A rating as its rater sees it (我的评价), with its rectification's progress.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatingView {
    pub id: String,
    pub channel: Channel,
    pub case_no: Option<String>,
    pub ticket_id: Option<String>,
    /// What was rated: the item's name, or the hall, zone and window.
    pub subject: String,
    pub level: u8,
    pub level_label: String,
    pub indicators: Vec<IndicatorScore>,
    /// The reasons' labels, e.g. 办事效率：办理时间过长.
    pub reasons: Vec<String>,
    pub comment: Option<String>,
    pub rated_at: Instant,
    /// The 差评's rectification, when there is one.
    pub rectification: Option<RaterRectification>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IndicatorScore {
    pub code: String,
    pub label: String,
    pub score: u8,
}

/// What the rater sees of the rectification of their 差评.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RaterRectification {
    pub state: RectificationState,
    pub state_label: String,
    /// The office's latest answer.
    pub answer: Option<String>,
    pub answered_at: Option<Instant>,
    /// True when the rater may judge the answer now (`POST /ratings/{id}/re-rate`).
    pub can_re_rate: bool,
    pub re_rating: Option<ReRating>,
}

/// `GET /ratings/mine`.
pub type RatingList = crate::paging::Page<RatingView>;

/// Whether a person may rate one case or ticket now, and why not (shown on the case page).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatingOffer {
    pub channel: Channel,
    /// What is rated, as the form names it.
    pub subject: String,
    /// The rating already given, if any.
    pub rated: Option<String>,
    /// True while the window is open and nothing was rated yet.
    pub open: bool,
    /// Why it is not open, when it is not.
    pub reason: Option<String>,
    pub last_day: Option<String>,
    pub levels: Vec<String>,
    pub indicators: Vec<Indicator>,
}

/// One step on a rectification's timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RectificationEvent {
    pub at: Instant,
    /// `opened`, `called_back`, `answered`, `re_rated`, `reopened`, `appealed`, `reviewed`,
    /// `phone_revealed`, `closed`.
    pub kind: String,
    /// Who, masked with the role (or 评价人 / 系统).
    pub actor: String,
    pub text: String,
}

/// A rectification case as staff see it: the rating, the rater masked, the deadlines, the
/// timeline and what the reader may do now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RectificationView {
    pub id: String,
    pub rating_id: String,
    pub state: RectificationState,
    pub state_label: String,
    pub channel: Channel,
    pub subject: String,
    pub case_no: Option<String>,
    pub ticket_number: Option<String>,
    /// The responsible office: a department's name, or a hall and zone.
    pub responsible: String,
    /// The staff member the hall rating names, masked.
    pub staff: Option<String>,
    /// The rater, masked (张*); none for an anonymous window rating of a walk-in ticket.
    pub rater: Option<String>,
    pub level: u8,
    pub level_label: String,
    pub reasons: Vec<String>,
    pub comment: Option<String>,
    pub rated_at: Instant,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub callback_due: Date,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub answer_due: Date,
    /// The date the step in hand is due, and how close it is; none once closed.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub due: Option<Date>,
    pub urgency: Option<Urgency>,
    pub callback_result: Option<String>,
    pub answer: Option<String>,
    pub re_rating: Option<ReRating>,
    pub appeal: Option<AppealState>,
    pub appeal_reason: Option<String>,
    pub appeal_evidence: Option<String>,
    pub review_reason: Option<String>,
    /// Steps the reader may take now: `callback`, `answer`, `appeal`, `review`, `reveal_phone`.
    pub actions: Vec<String>,
    pub events: Vec<RectificationEvent>,
}

/// One row of the staff rectification queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RectificationEntry {
    pub id: String,
    pub state: RectificationState,
    pub state_label: String,
    pub subject: String,
    pub responsible: String,
    pub level_label: String,
    pub rated_at: Instant,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub due: Option<Date>,
    pub urgency: Option<Urgency>,
    pub appeal: Option<AppealState>,
}

/// `GET /staff/rectifications`.
pub type RectificationQueue = crate::paging::Page<RectificationEntry>;

/// The revealed phone of a rater, for the call-back (an audited reveal).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevealedPhone {
    pub phone: String,
}

/// How `GET /ratings/stats` groups its rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StatsGroup {
    Department,
    Hall,
    Item,
    /// The twelve months up to the period.
    Month,
}

impl StatsGroup {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "department" => Some(Self::Department),
            "hall" => Some(Self::Hall),
            "item" => Some(Self::Item),
            "month" => Some(Self::Month),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Department => "department",
            Self::Hall => "hall",
            Self::Item => "item",
            Self::Month => "month",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Department => "部门",
            Self::Hall => "大厅",
            Self::Item => "事项",
            Self::Month => "月份",
        }
    }
}

/// A month `YYYY-MM`.
pub fn parse_period(text: &str) -> Option<(i32, u8)> {
    let (year, month) = text.trim().split_once('-')?;
    if year.len() != 4 || month.len() != 2 {
        return None;
    }
    let year: i32 = year.parse().ok()?;
    let month: u8 = month.parse().ok()?;
    (1..=12).contains(&month).then_some((year, month))
}

/// The `count` months ending with `(year, month)`, oldest first, as `YYYY-MM`.
pub fn months_up_to(year: i32, month: u8, count: u32) -> Vec<String> {
    let last = year * 12 + i32::from(month) - 1;
    (0..count as i32)
        .rev()
        .map(|back| {
            let at = last - back;
            format!("{:04}-{:02}", at.div_euclid(12), at.rem_euclid(12) + 1)
        })
        .collect()
}

/// The counts behind one row of published figures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// Counted ratings (excluded ones left out).
    pub ratings: u64,
    /// Levels 3–5.
    pub satisfied: u64,
    /// Levels 1–2.
    pub bad: u64,
    /// 差评 called back within the deadline.
    pub called_back_on_time: u64,
    /// 差评 answered within the deadline.
    pub answered_on_time: u64,
}

/// One row of published figures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatsRow {
    /// The department code, hall id, item code or month.
    pub key: String,
    pub name: String,
    pub ratings: u64,
    pub bad: u64,
    /// 满意率: levels 3–5 over all counted ratings, 0–1; none without ratings.
    pub satisfaction_rate: Option<f64>,
    /// 回访率: 差评 called back within the deadline over all 差评; none without 差评.
    pub callback_rate: Option<f64>,
    /// 整改率: 差评 answered within the deadline over all 差评 to rectify; none without 差评.
    pub rectification_rate: Option<f64>,
}

fn rate(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 / whole as f64 * 10_000.0).round() / 10_000.0)
}

impl StatsRow {
    pub fn new(key: String, name: String, tally: Tally) -> Self {
        Self {
            key,
            name,
            ratings: tally.ratings,
            bad: tally.bad,
            satisfaction_rate: rate(tally.satisfied, tally.ratings),
            callback_rate: rate(tally.called_back_on_time, tally.bad),
            rectification_rate: rate(tally.answered_on_time, tally.bad),
        }
    }
}

/// A rate as people read it: 98.5%, or — without a denominator.
pub fn percent(rate: Option<f64>) -> String {
    match rate {
        Some(rate) => {
            let tenths = (rate * 1000.0).round() / 10.0;
            format!("{tenths}%")
        }
        None => "—".into(),
    }
}

/// `GET /ratings/stats`: the rows of one grouping (paged) and the total over the same filter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatingStats {
    pub items: Vec<StatsRow>,
    pub total: u64,
    pub page: u32,
    pub page_size: u32,
    pub group: StatsGroup,
    /// The month counted, `YYYY-MM` (the last of the twelve for `group=month`).
    pub period: String,
    pub department: Option<String>,
    pub hall: Option<String>,
    pub item_code: Option<String>,
    /// All counted ratings under the filter.
    pub summary: StatsRow,
}

/// The CSV of published figures (UTF-8 with a byte-order mark, so spreadsheet programs read the
/// Chinese headers).
pub fn stats_csv(stats: &RatingStats) -> String {
    let mut out = String::from("\u{feff}");
    out.push_str(&format!(
        "{},名称,评价数,差评数,满意率,差评回访率,差评整改率\r\n",
        stats.group.label()
    ));
    for row in stats.items.iter().chain(std::iter::once(&stats.summary)) {
        let cell = |text: &str| {
            if text.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", text.replace('"', "\"\""))
            } else {
                text.to_owned()
            }
        };
        out.push_str(&format!(
            "{},{},{},{},{},{},{}\r\n",
            cell(&row.key),
            cell(&row.name),
            row.ratings,
            row.bad,
            percent(row.satisfaction_rate),
            percent(row.callback_rate),
            percent(row.rectification_rate)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::DayKind;
    use time::macros::date;

    fn online(level: i64, reasons: &[&str]) -> RatingRequest {
        RatingRequest {
            case_no: Some("C1".into()),
            level: Some(level),
            indicators: [
                ("efficiency", 2),
                ("guide_accuracy", 3),
                ("convenience", 4),
                ("usability", 5),
            ]
            .map(|(k, v)| (k.to_owned(), v))
            .into(),
            reasons: reasons.iter().map(|r| (*r).to_owned()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn a_bad_rating_needs_a_known_reason() {
        let rules = RatingRules::default();
        let errors = online(2, &[]).check(&rules, Channel::Online).unwrap_err();
        assert!(errors.get("reasons").is_some());
        let errors = online(1, &["efficiency.nonsense"])
            .check(&rules, Channel::Online)
            .unwrap_err();
        assert!(errors.get("reasons").is_some());
        let checked = online(2, &["efficiency.too_slow", "efficiency.too_slow"])
            .check(&rules, Channel::Online)
            .unwrap();
        assert!(checked.is_bad());
        assert_eq!(checked.reasons, vec!["efficiency.too_slow"]);
        assert!(online(3, &[]).check(&rules, Channel::Online).is_ok());
    }

    #[test]
    fn every_problem_is_named_at_once() {
        let rules = RatingRules::default();
        let mut request = online(9, &[]);
        request.indicators.insert("attitude".into(), 3);
        request.indicators.insert("usability".into(), 0);
        request.indicators.remove("convenience");
        let errors = request.check(&rules, Channel::Online).unwrap_err();
        for field in [
            "level",
            "indicators.attitude",
            "indicators.usability",
            "indicators.convenience",
        ] {
            assert!(errors.get(field).is_some(), "{field}");
        }
        // The hall form has its own indicators: the online ones are unknown there.
        let errors = online(4, &[]).check(&rules, Channel::Hall).unwrap_err();
        assert!(errors.get("indicators.competence").is_some());
        assert!(errors.get("indicators.usability").is_some());
    }

    #[test]
    fn exactly_one_subject() {
        let mut request = online(4, &[]);
        assert_eq!(request.subject().unwrap(), Subject::Case("C1".into()));
        request.ticket_id = Some("T".into());
        assert!(request.subject().is_err());
        request.case_no = None;
        assert_eq!(request.subject().unwrap(), Subject::Ticket("T".into()));
        request.ticket_id = Some("  ".into());
        assert!(request.subject().is_err());
    }

    #[test]
    fn the_loop_reopens_once_then_closes() {
        use RectificationState::*;
        assert_eq!(CallbackPending.next(Step::Answer), None);
        assert_eq!(CallbackPending.next(Step::CallBack), Some(Rectifying));
        assert_eq!(Rectifying.next(Step::Answer), Some(Answered));
        let unhappy = |reopened_before| Step::ReRate {
            unsatisfied: true,
            reopened_before,
        };
        assert_eq!(Answered.next(unhappy(false)), Some(Reopened));
        assert_eq!(Reopened.next(Step::Answer), Some(Answered));
        assert_eq!(Answered.next(unhappy(true)), Some(Closed));
        let happy = Step::ReRate {
            unsatisfied: false,
            reopened_before: false,
        };
        assert_eq!(Answered.next(happy), Some(Closed));
        assert_eq!(Closed.next(Step::Answer), None);
        assert_eq!(Excluded.next(happy), None);
    }

    #[test]
    fn deadlines_count_working_days_across_a_holiday() {
        // 2026-10-01 … 10-07 国庆 off; Saturday 10-10 a 调休 working day.
        let day = |date, kind| crate::calendar::CalendarDay {
            date,
            kind,
            name: "国庆节".into(),
        };
        let mut days: Vec<_> = [1, 2, 5, 6, 7]
            .map(|d| {
                day(
                    Date::from_calendar_date(2026, time::Month::October, d).unwrap(),
                    DayKind::Holiday,
                )
            })
            .to_vec();
        days.push(day(date!(2026 - 10 - 10), DayKind::Workday));
        let calendar = WorkCalendar::new([2026], days).unwrap();
        let rules = RatingRules::default();
        let (callback, answer) = due_dates(&rules, &calendar, date!(2026 - 09 - 30));
        assert_eq!(callback, date!(2026 - 10 - 08));
        // 10-08, 10-09, 10-10 (调休), 10-12, 10-13.
        assert_eq!(answer, date!(2026 - 10 - 13));
        let warning = urgency(&calendar, rules.answer, answer, date!(2026 - 10 - 12));
        assert_eq!(warning, Urgency::Warning);
        let fine = urgency(&calendar, rules.answer, answer, date!(2026 - 10 - 09));
        assert_eq!(fine, Urgency::OnTime);
        let late = urgency(&calendar, rules.answer, answer, date!(2026 - 10 - 14));
        assert_eq!(late, Urgency::Overdue);
    }

    #[test]
    fn rates_and_csv() {
        let row = StatsRow::new(
            "d".into(),
            "市民政局".into(),
            Tally {
                ratings: 3,
                satisfied: 2,
                bad: 1,
                called_back_on_time: 1,
                answered_on_time: 0,
            },
        );
        assert_eq!(percent(row.satisfaction_rate), "66.7%");
        assert_eq!(percent(row.callback_rate), "100%");
        assert_eq!(percent(row.rectification_rate), "0%");
        assert_eq!(
            percent(StatsRow::new("x".into(), "y".into(), Tally::default()).satisfaction_rate),
            "—"
        );
        let stats = RatingStats {
            items: vec![row.clone()],
            total: 1,
            page: 1,
            page_size: 20,
            group: StatsGroup::Department,
            period: "2026-12".into(),
            department: None,
            hall: None,
            item_code: None,
            summary: StatsRow {
                key: "合计".into(),
                name: "a,\"b\"".into(),
                ..row
            },
        };
        let csv = stats_csv(&stats);
        assert!(csv.starts_with("\u{feff}部门,名称,"));
        assert!(csv.contains("d,市民政局,3,1,66.7%,100%,0%\r\n"));
        assert!(csv.contains("合计,\"a,\"\"b\"\"\",3"));
    }

    #[test]
    fn the_defaults_are_a_valid_configuration() {
        assert_eq!(RatingRules::default().problems(), Vec::<String>::new());
        let mut rules = RatingRules::default();
        rules.levels.pop();
        rules.hall_indicators[1].code = "efficiency".into();
        rules.online_indicators[0].reasons[1].code = "too.slow".into();
        assert_eq!(rules.problems().len(), 3, "{:?}", rules.problems());
    }

    #[test]
    fn periods() {
        assert_eq!(parse_period("2026-12"), Some((2026, 12)));
        assert_eq!(parse_period("2026-13"), None);
        assert_eq!(parse_period("26-1"), None);
        assert_eq!(
            months_up_to(2026, 2, 3),
            vec!["2025-12", "2026-01", "2026-02"]
        );
    }
}
