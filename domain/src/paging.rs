//! `?page=1&page_size=20` (API.md): one-based pages, at most 100 rows each.

use crate::errors::FieldErrors;
use serde::{Deserialize, Serialize};

pub const DEFAULT_PAGE_SIZE: u32 = 20;
pub const MAX_PAGE_SIZE: u32 = 100;
/// Far beyond any list; keeps offsets well inside the databases' integer range.
pub const MAX_PAGE: u32 = 1_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageRequest {
    pub page: u32,
    pub page_size: u32,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            page: 1,
            page_size: DEFAULT_PAGE_SIZE,
        }
    }
}

impl PageRequest {
    /// Reads the two parameters as they arrive in a web page's query (text, possibly absent),
    /// naming each bad one.
    pub fn parse(page: Option<&str>, page_size: Option<&str>) -> Result<Self, FieldErrors> {
        let number = |text: Option<&str>| {
            text.map(str::trim)
                .filter(|t| !t.is_empty())
                // Not a number at all is as wrong as zero, and answered the same way.
                .map(|t| t.parse::<u32>().unwrap_or(0))
        };
        Self::new(number(page), number(page_size))
    }

    /// The two parameters as a client typed them (numbers, possibly absent), naming each bad one.
    pub fn new(page: Option<u32>, page_size: Option<u32>) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let page = match page {
            None => 1,
            Some(n) if (1..=MAX_PAGE).contains(&n) => n,
            Some(_) => {
                errors.add("page", "页码应从 1 开始");
                1
            }
        };
        let page_size = match page_size {
            None => DEFAULT_PAGE_SIZE,
            Some(n) if (1..=MAX_PAGE_SIZE).contains(&n) => n,
            Some(_) => {
                errors.add("page_size", format!("每页条数应为 1 到 {MAX_PAGE_SIZE}"));
                DEFAULT_PAGE_SIZE
            }
        };
        if errors.is_empty() {
            Ok(Self { page, page_size })
        } else {
            Err(errors)
        }
    }

    /// Rows to skip before this page, for `LIMIT … OFFSET …`.
    pub fn offset(&self) -> i64 {
        i64::from(self.page.saturating_sub(1)) * i64::from(self.page_size)
    }

    pub fn limit(&self) -> i64 {
        i64::from(self.page_size)
    }

    /// The rows of `all` that fall on this page.
    pub fn slice<T: Clone>(&self, all: &[T]) -> Vec<T> {
        let start = (self.page.saturating_sub(1) as usize).saturating_mul(self.page_size as usize);
        all.iter()
            .skip(start)
            .take(self.page_size as usize)
            .cloned()
            .collect()
    }
}

/// One page of a list, with the total so clients can draw pagination.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u32,
    pub page_size: u32,
}

impl<T> Page<T> {
    /// A page of rows the database already cut out of `total`.
    pub fn from_rows(items: Vec<T>, total: u64, request: PageRequest) -> Self {
        Self {
            items,
            total,
            page: request.page,
            page_size: request.page_size,
        }
    }

    /// The same page with each row turned into another type.
    pub fn map<U>(self, each: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(each).collect(),
            total: self.total,
            page: self.page,
            page_size: self.page_size,
        }
    }
}

impl<T: Clone> Page<T> {
    pub fn of(all: &[T], request: PageRequest) -> Self {
        Self {
            items: request.slice(all),
            total: all.len() as u64,
            page: request.page,
            page_size: request.page_size,
        }
    }

    /// The number of the last page (at least 1).
    pub fn last_page(&self) -> u32 {
        (self.total.div_ceil(u64::from(self.page_size.max(1))) as u32).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_limits() {
        assert_eq!(PageRequest::parse(None, None), Ok(PageRequest::default()));
        assert_eq!(
            PageRequest::parse(Some("3"), Some("100")),
            Ok(PageRequest {
                page: 3,
                page_size: 100
            })
        );
        let errors = PageRequest::parse(Some("0"), Some("101")).unwrap_err();
        assert!(errors.get("page").is_some() && errors.get("page_size").is_some());
        assert!(
            PageRequest::parse(Some("x"), None)
                .unwrap_err()
                .get("page")
                .is_some()
        );
    }

    #[test]
    fn pages_slice_the_list() {
        let all: Vec<u32> = (1..=45).collect();
        let page = Page::of(
            &all,
            PageRequest {
                page: 3,
                page_size: 20,
            },
        );
        assert_eq!(page.items, (41..=45).collect::<Vec<_>>());
        assert_eq!(page.total, 45);
        assert_eq!(page.last_page(), 3);
        assert!(
            Page::of(
                &all,
                PageRequest {
                    page: 9,
                    page_size: 20
                }
            )
            .items
            .is_empty()
        );
    }
}
