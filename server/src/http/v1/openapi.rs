//! The OpenAPI 3.1 document of `/api/v1`, generated from the route definitions, and made exact:
//! every operation lists every status it can answer.
//!
//! Handlers document what is particular to them (a 404 for an unknown case, a 409 for a wrong
//! state). What follows from an operation's shape is added here, in one place, so that no
//! handler can forget it: 405, 500 and 503 everywhere; 401/403 where a caller must sign in; 400,
//! 413, 415 and 422 where a body is read; 422 where query or header parameters are typed; 404
//! where a path names a resource; 409 where an `Idempotency-Key` may still be in flight.

use super::error::{ErrorDetail, ErrorEnvelope};
use utoipa::OpenApi;
use utoipa::openapi::OpenApi as OpenApiDocument;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{Ref, RefOr, ResponseBuilder};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "政务服务门户 API",
        version = "1",
        description = "一网通办公共接口：事项与办事指南、身份认证、办件、预约取号、好差评。\
                       所有错误使用统一的错误信封，见 `ErrorEnvelope`。"
    ),
    components(schemas(ErrorEnvelope, ErrorDetail)),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

/// Declares the `bearer` scheme the identity routes name, and the `device` scheme of the hall
/// devices' routes.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut OpenApiDocument) {
        use utoipa::openapi::security::{
            ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme,
        };
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("POST /api/v1/auth/login 返回的令牌"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "device",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-Device-Token",
                "管理员登记大厅设备（自助终端、叫号屏、窗口评价器）时发放的设备令牌",
            ))),
        );
    }
}

/// Adds the statuses every operation of its shape can answer (see the module docs).
pub fn complete_error_statuses(document: &mut OpenApiDocument) {
    for item in document.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
            &mut item.head,
            &mut item.options,
            &mut item.trace,
        ];
        for operation in operations.into_iter().flatten() {
            for (status, description) in implied_statuses(operation) {
                operation
                    .responses
                    .responses
                    .entry(status.to_owned())
                    .or_insert_with(|| envelope(description));
            }
        }
    }
}

fn implied_statuses(operation: &Operation) -> Vec<(&'static str, &'static str)> {
    let parameters = operation.parameters.as_deref().unwrap_or_default();
    let takes = |place: ParameterIn| parameters.iter().any(|p| p.parameter_in == place);
    let mut statuses = vec![
        ("405", "该地址不支持此请求方法"),
        ("500", "系统内部错误（不应出现；request_id 可用于查找日志）"),
        ("503", "服务暂时繁忙或处理超时，请稍后再试"),
    ];
    if operation.security.is_some() {
        statuses.push(("401", "未登录，或登录已过期、已退出（code 说明原因）"));
        statuses.push((
            "403",
            "当前身份无权执行此操作（网页会话的写请求还须带防伪令牌）",
        ));
    }
    if operation.request_body.is_some() {
        statuses.push(("400", "请求内容无法解析"));
        statuses.push(("413", "请求内容超过大小上限"));
        statuses.push(("415", "请求内容的类型不受支持"));
        statuses.push(("422", "输入有误，fields 指明每一项的问题"));
    }
    if takes(ParameterIn::Query) || takes(ParameterIn::Header) {
        statuses.push(("422", "参数有误，fields 指明每个参数的问题"));
    }
    if takes(ParameterIn::Path) {
        statuses.push(("404", "没有找到所指的对象"));
    }
    if parameters.iter().any(|p| p.name == "Idempotency-Key") {
        statuses.push((
            "409",
            "同一请求标识的请求仍在处理（idempotency_in_progress）",
        ));
    }
    statuses
}

fn envelope(description: &str) -> RefOr<utoipa::openapi::Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            utoipa::openapi::ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorEnvelope")))
                .build(),
        )
        .build()
        .into()
}
