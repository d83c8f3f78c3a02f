//! Who owns each line of a file, as disjoint spans painted in order, the
//! later painting over the earlier: git-ai notes (a later attestation
//! entry records the later edit) and Agent Trace records (a later record
//! range decides) both read their lines this way.

/// A span of lines: `(first, last, owner)`, 1-based and inclusive.
pub type Span = (u32, u32, usize);

/// Paints lines `a..=b` with `owner` over `spans` (disjoint and sorted by
/// start, as this keeps them): the spans it overlaps are cut back to what
/// lies outside `a..=b`, in place. The run it overlaps is found by binary
/// search, so a file listing hundreds of ranges is not re-sorted once per
/// range. A span that runs backwards (`a > b`) owns no line and paints
/// nothing.
pub fn paint(spans: &mut Vec<Span>, a: u32, b: u32, owner: usize) {
    if a > b {
        return;
    }
    // Spans before `i` end before `a`; spans from `j` on start after `b`.
    let i = spans.partition_point(|&(_, y, _)| y < a);
    let j = i + spans[i..].partition_point(|&(x, _, _)| x <= b);
    let mut with = [(0, 0, 0); 3];
    let mut n = 0;
    if let Some(&(x, _, o)) = spans.get(i).filter(|s| i < j && s.0 < a) {
        with[n] = (x, a - 1, o);
        n += 1;
    }
    with[n] = (a, b, owner);
    n += 1;
    if let Some(&(_, y, o)) = j
        .checked_sub(1)
        .and_then(|l| spans.get(l))
        .filter(|s| i < j && s.1 > b)
    {
        with[n] = (b + 1, y, o);
        n += 1;
    }
    spans.splice(i..j, with[..n].iter().copied());
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Painting as it was first written (rebuild and sort after each
    /// range): the oracle for the in-place version.
    fn paint_by_sorting(spans: &mut Vec<Span>, a: u32, b: u32, owner: usize) {
        let mut next = Vec::new();
        for &(x, y, o) in spans.iter() {
            if y < a || x > b {
                next.push((x, y, o));
                continue;
            }
            if x < a {
                next.push((x, a - 1, o));
            }
            if y > b {
                next.push((b + 1, y, o));
            }
        }
        next.push((a, b, owner));
        next.sort_unstable_by_key(|s| s.0);
        *spans = next;
    }

    #[test]
    fn painting_in_place_equals_painting_by_sorting() {
        // Ranges that overlap, nest, touch, repeat and reach u32::MAX.
        let mut rand = crate::util::xorshift(0x9e37_79b9_7f4a_7c15);
        let mut next = |m: u32| (rand() % u64::from(m)) as u32;
        for round in 0..3000 {
            let owners = 1 + next(4);
            let (mut fast, mut slow) = (Vec::new(), Vec::new());
            for _ in 0..1 + next(40) {
                let a = if round % 50 == 0 {
                    u32::MAX - next(5)
                } else {
                    1 + next(40)
                };
                let b = a.saturating_add(next(12));
                let o = next(owners) as usize;
                paint(&mut fast, a, b, o);
                paint_by_sorting(&mut slow, a, b, o);
                assert_eq!(fast, slow, "round {round}: painting {a}-{b} by {o}");
            }
        }
    }

    #[test]
    fn a_backward_span_paints_nothing() {
        let mut spans = vec![(1, 4, 0)];
        paint(&mut spans, 3, 2, 1);
        assert_eq!(spans, vec![(1, 4, 0)]);
    }
}
