//! What the portal says about itself in every page's header and footer.

use serde::{Deserialize, Serialize};

/// Operator-configured identity of the site (主办单位, 网站标识码, ICP 备案 …).
///
/// These are settings, not code: every city deploying the portal has its own values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteInfo {
    /// Shown in the header and page titles, e.g. "某某市政务服务网".
    pub portal_name: String,
    /// 主办单位.
    pub sponsor: String,
    /// Public consultation and complaint line.
    pub hotline: String,
    /// Postal address of the sponsor.
    pub address: String,
    /// 网站标识码, issued by the State Council's government-website programme.
    pub site_code: String,
    /// ICP 备案号.
    pub icp_record: String,
    /// 公安机关备案号.
    pub police_record: String,
    /// The address people reach the portal at (`https://zwfw.example.gov.cn`), for links that
    /// leave the page: the receipt's QR code of the public progress lookup.
    pub public_url: String,
}
