//! 搜索即服务: finding items by any words of their name, aliases, materials or department.
//!
//! Chinese has no spaces between words, so matching is by substring, with a fallback to shared
//! character pairs (bigrams) so that a near miss — "食品经营许可证" for "食品经营许可" — still
//! finds the item. Ranking lives here, in pure code, rather than in either database's full-text
//! engine: neither engine segments Chinese out of the box, and ranking here guarantees identical
//! results on SQLite and PostgreSQL.

/// The searchable text of one item.
#[derive(Clone, Debug, Default)]
pub struct SearchDoc {
    pub name: String,
    pub aliases: Vec<String>,
    pub materials: Vec<String>,
    pub department: String,
}

/// How much a match in each field weighs: the name says most about what an item is.
const NAME_EXACT: u32 = 1000;
const NAME: u32 = 300;
const NAME_PREFIX_BONUS: u32 = 50;
const ALIAS_EXACT: u32 = 400;
const ALIAS: u32 = 200;
const MATERIAL: u32 = 60;
const DEPARTMENT: u32 = 40;

/// Splits a query into terms: whitespace and punctuation separate them; case is ignored.
pub fn terms(query: &str) -> Vec<String> {
    query
        .split(|c: char| {
            c.is_whitespace()
                || (c.is_ascii_punctuation())
                || "，。、；：？！（）《》“”".contains(c)
        })
        .map(normalize)
        .filter(|term| !term.is_empty())
        .collect()
}

fn normalize(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The relevance of `doc` for all of `terms` (each term must match somewhere), or `None`.
pub fn score(terms: &[String], doc: &SearchDoc) -> Option<u32> {
    if terms.is_empty() {
        return None;
    }
    let normalized = SearchDoc {
        name: normalize(&doc.name),
        aliases: doc.aliases.iter().map(|a| normalize(a)).collect(),
        materials: doc.materials.iter().map(|m| normalize(m)).collect(),
        department: normalize(&doc.department),
    };
    let mut total = 0;
    for term in terms {
        total += term_score(term, &normalized).or_else(|| near_score(term, &normalized))?;
    }
    Some(total)
}

/// `doc` is already normalized.
fn term_score(term: &str, doc: &SearchDoc) -> Option<u32> {
    let (name, department) = (doc.name.as_str(), doc.department.as_str());
    let mut best = None;
    let mut consider = |points: u32| best = Some(best.map_or(points, |b: u32| b.max(points)));
    if name == term {
        consider(NAME_EXACT);
    } else if name.contains(term) {
        consider(
            NAME + if name.starts_with(term) {
                NAME_PREFIX_BONUS
            } else {
                0
            },
        );
    }
    for alias in &doc.aliases {
        if alias == term {
            consider(ALIAS_EXACT);
        } else if alias.contains(term) {
            consider(ALIAS);
        }
    }
    if doc.materials.iter().any(|m| m.contains(term)) {
        consider(MATERIAL);
    }
    if department.contains(term) {
        consider(DEPARTMENT);
    }
    best
}

/// A partial match for terms of three or more characters: at least half of the term's character
/// pairs occur in one field. Scored below any whole-term match of the same field.
/// `doc` is already normalized.
fn near_score(term: &str, doc: &SearchDoc) -> Option<u32> {
    let (name, department) = (doc.name.as_str(), doc.department.as_str());
    let pairs = bigrams(term);
    if pairs.len() < 2 {
        return None;
    }
    let share = |field: &str| {
        let found = pairs
            .iter()
            .filter(|pair| field.contains(pair.as_str()))
            .count();
        (found * 2 >= pairs.len()).then(|| (found * 100 / pairs.len()) as u32)
    };
    let weighted = |weight: u32, percent: Option<u32>| percent.map(|p| weight * p / 200);
    [
        weighted(NAME, share(name)),
        doc.aliases
            .iter()
            .filter_map(|a| weighted(ALIAS, share(a)))
            .max(),
        doc.materials
            .iter()
            .filter_map(|m| weighted(MATERIAL, share(m)))
            .max(),
        weighted(DEPARTMENT, share(department)),
    ]
    .into_iter()
    .flatten()
    .max()
}

fn bigrams(term: &str) -> Vec<String> {
    let chars: Vec<char> = term.chars().collect();
    chars.windows(2).map(|pair| pair.iter().collect()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(name: &str, aliases: &[&str], materials: &[&str], department: &str) -> SearchDoc {
        SearchDoc {
            name: name.into(),
            aliases: aliases.iter().map(|s| s.to_string()).collect(),
            materials: materials.iter().map(|s| s.to_string()).collect(),
            department: department.into(),
        }
    }

    fn rank<'a>(query: &str, docs: &'a [SearchDoc]) -> Vec<&'a str> {
        let terms = terms(query);
        let mut hits: Vec<(u32, &SearchDoc)> = docs
            .iter()
            .filter_map(|d| score(&terms, d).map(|s| (s, d)))
            .collect();
        hits.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.name.cmp(&b.1.name)));
        hits.into_iter().map(|(_, d)| d.name.as_str()).collect()
    }

    fn catalog() -> Vec<SearchDoc> {
        vec![
            doc(
                "企业设立登记",
                &["营业执照办理", "开公司"],
                &["公司章程", "住所证明"],
                "市场监督管理局",
            ),
            doc(
                "食品经营许可",
                &["食品经营许可证"],
                &["营业执照", "食品安全管理制度"],
                "市场监督管理局",
            ),
            doc(
                "建筑工程施工许可",
                &["施工许可证"],
                &["用地批准手续"],
                "住房和城乡建设局",
            ),
            doc(
                "建设工程规划许可",
                &["工程规划许可证"],
                &["建设工程设计方案"],
                "自然资源和规划局",
            ),
            doc(
                "出生医学证明",
                &["出生证"],
                &["父母身份证"],
                "卫生健康委员会",
            ),
        ]
    }

    #[test]
    fn a_licence_name_finds_the_item_that_issues_it_first() {
        let docs = catalog();
        let found = rank("营业执照", &docs);
        assert_eq!(found, ["企业设立登记", "食品经营许可"]);
    }

    #[test]
    fn part_of_a_word_finds_every_item_containing_it() {
        let docs = catalog();
        assert_eq!(rank("施工", &docs), ["建筑工程施工许可"]);
        assert_eq!(rank("规划", &docs), ["建设工程规划许可"]);
    }

    #[test]
    fn every_term_must_match_and_department_words_count() {
        let docs = catalog();
        assert_eq!(rank("市场监督 食品", &docs), ["食品经营许可"]);
        assert!(rank("食品 施工", &docs).is_empty());
    }

    #[test]
    fn near_misses_still_find_the_item() {
        let docs = catalog();
        assert_eq!(rank("建筑施工许可证", &docs)[0], "建筑工程施工许可");
        assert_eq!(rank("出生证明", &docs), ["出生医学证明"]);
    }

    #[test]
    fn exact_names_rank_above_mentions() {
        let docs = catalog();
        assert_eq!(rank("食品经营许可", &docs)[0], "食品经营许可");
    }

    #[test]
    fn empty_and_punctuation_only_queries_find_nothing() {
        let docs = catalog();
        assert!(rank("", &docs).is_empty());
        assert!(rank("  ，。 ", &docs).is_empty());
    }

    proptest::proptest! {
        #[test]
        fn any_part_of_a_name_finds_that_item(start in 0usize..6, len in 1usize..6) {
            let docs = catalog();
            for d in &docs {
                let chars: Vec<char> = d.name.chars().collect();
                let start = start.min(chars.len() - 1);
                let end = (start + len).min(chars.len());
                let part: String = chars[start..end].iter().collect();
                proptest::prop_assert!(rank(&part, &docs).contains(&d.name.as_str()), "{}", part);
            }
        }
    }
}
