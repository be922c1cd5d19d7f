package org.linkway.outcome.opendata;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.linkway.outcome.opendata.DisclosureControl.Count;
import org.linkway.outcome.opendata.DisclosureControl.PublishedRow;
import org.linkway.outcome.opendata.OpenDataTable.Measure;
import org.linkway.outcome.opendata.OpenDataTable.Row;

/**
 * The attack on the totals: a suppressed count worked out from its group's ALL row and the other
 * providers' counts. The attacker here is written apart from the code under test, from the
 * published rows only.
 */
class SecondarySuppressionTest {

  private static final String MONTH = "2026-11";

  @Test
  void givenProvidersOfOneNeedAndMonth_whenPublished_thenAnAllRowTotalsThemAndComesFirst() {
    List<PublishedRow> published = DisclosureControl.publish(List.of(
        row("aylsham-arts", 12, 9), row("wensum-walkers", 8, 6)));

    assertThat(published).extracting(PublishedRow::provider).containsExactly("ALL", "aylsham-arts", "wensum-walkers");
    assertThat(published.get(0).referrals()).isEqualTo(new Count(20L, false));
    assertThat(published.get(0).accepted()).isEqualTo(new Count(15L, false));
    assertThat(published.get(1).referrals()).isEqualTo(new Count(10L, false));
    assertThat(published.get(2).referrals()).isEqualTo(new Count(10L, false));
  }

  @Test
  void givenOneProviderWithOneReferralBesideABusyOne_whenPublished_thenTheTotalDoesNotGiveItAway() {
    // 12 + 1 = 13: published alone, 15 (13 to 17) minus 10 (8 to 12) would put the lone one at 1 to 9
    List<Row> rows = List.of(row("tiny-befriending", 1, 1), row("wensum-walkers", 12, 10));
    List<PublishedRow> published = DisclosureControl.publish(rows);

    PublishedRow all = published.get(0);
    assertThat(all.referrals()).isEqualTo(new Count(15L, false));
    assertThat(published.get(1).referrals().suppressed()).isTrue();
    assertThat(published.get(2).referrals().suppressed()).as("the busy provider, suppressed as well").isTrue();
    assertCannotBeNarrowed(rows, published);
  }

  @Test
  void givenTheProvidersOfAGroupWithNoOneInOne_whenPublished_thenItCannotBeToldFromOneWithSomeone() {
    // 0 or 1 referral at the small provider: the same published rows
    List<Row> rows = List.of(row("aylsham-arts", 9, 5), row("tiny-befriending", 0, 0), row("wensum-walkers", 11, 8));
    List<PublishedRow> none = DisclosureControl.publish(rows);
    List<PublishedRow> one = DisclosureControl.publish(List.of(
        row("aylsham-arts", 9, 5), row("tiny-befriending", 1, 0), row("wensum-walkers", 11, 8)));

    assertThat(none).isEqualTo(one);
    assertCannotBeNarrowed(rows, none);
  }

  @Test
  void givenASecondarySuppressionBoundedByItsOwnRow_whenPublished_thenTheRowDoesNotNarrowIt() {
    // the walkers' referrals (12) suppressed to hide tiny's 1 would be bounded by their accepted (12,
    // published 10 so 8 to 12): then 13 to 17 minus 8 to 12 would give tiny's 1 to 9 again
    List<Row> rows = List.of(row("tiny-befriending", 1, 1), row("wensum-walkers", 12, 12));

    List<PublishedRow> published = DisclosureControl.publish(rows);

    assertThat(published.get(2).referrals().suppressed()).isTrue();
    assertThat(published.get(2).accepted().suppressed()).isTrue();
    assertCannotBeNarrowed(rows, published);
  }

  @Test
  void givenThousandsOfRandomGroups_whenPublished_thenNoSuppressedCountCanBeNarrowedFromTheTotal() {
    Random random = new Random(20261205);
    for (int group = 0; group < 3000; group++) {
      List<Row> rows = new ArrayList<>();
      int providers = 1 + random.nextInt(6);
      for (int p = 0; p < providers; p++) {
        int scale = random.nextBoolean() ? 6 : 30;
        long referrals = random.nextInt(scale);
        long accepted = referrals == 0 ? 0 : random.nextLong(referrals + 1);
        long completed = accepted == 0 ? 0 : random.nextLong(accepted + 1);
        long droppedOut = accepted - completed == 0 ? 0 : random.nextLong(accepted - completed + 1);
        long improved = completed == 0 ? 0 : random.nextLong(completed + 1);
        long declined = referrals - accepted == 0 ? 0 : random.nextLong(referrals - accepted + 1);
        if (p == 0) { // the referrals no provider had accepted
          accepted = 0;
          completed = 0;
          droppedOut = 0;
          improved = 0;
        }
        rows.add(new Row("QMM", p == 0 ? "none" : "provider-" + p, "NATURE", MONTH, referrals, accepted, completed,
            droppedOut, improved, declined, upTo(random, referrals - accepted - declined), upTo(random, referrals / 3)));
      }

      List<PublishedRow> published = DisclosureControl.publish(rows);

      for (PublishedRow row : published) {
        for (Measure m : Measure.values()) {
          Count c = row.count(m);
          assertThat(c.suppressed() || c.value() >= 5).as("%s of %s", m, row).isTrue();
        }
      }
      assertCannotBeNarrowed(rows, published);
    }
  }

  private static long upTo(Random random, long most) {
    return most <= 0 ? 0 : random.nextLong(most + 1);
  }

  /** Referrals and accepted as given, the rest 0. */
  private static Row row(String provider, long referrals, long accepted) {
    return new Row("QMM", provider, "LONELINESS", MONTH, referrals, accepted, 0, 0, 0, 0, 0, 0);
  }

  /**
   * For every count of a provider below 5, what the attacker works out from the published rows
   * still allows both 0 and 4: the total minus the most and the least the other providers' counts
   * can be, within what the same row bounds it by.
   */
  private static void assertCannotBeNarrowed(List<Row> rows, List<PublishedRow> published) {
    PublishedRow all = published.get(0);
    assertThat(all.provider()).isEqualTo("ALL");
    List<PublishedRow> providers = published.subList(1, published.size());
    for (Measure m : Measure.values()) {
      if (all.count(m).suppressed()) {
        for (PublishedRow p : providers) assertThat(p.count(m).suppressed()).as("%s of %s", m, p).isTrue();
        continue;
      }
      for (int i = 0; i < providers.size(); i++) {
        String provider = providers.get(i).provider();
        Row raw = rows.stream().filter(r -> r.provider().equals(provider)).findFirst().orElseThrow();
        if (raw.count(m) >= 5 || zeroByDefinition(providers.get(i), m)) continue;
        assertThat(providers.get(i).count(m).suppressed()).isTrue();
        long low = all.count(m).value() - 2;
        long high = all.count(m).value() + 2;
        for (int j = 0; j < providers.size(); j++) {
          if (j == i) continue;
          high -= atLeast(providers.get(j), m);
          low -= atMost(providers.get(j), m);
        }
        low = Math.max(low, atLeast(providers.get(i), m));
        high = Math.min(high, atMost(providers.get(i), m));
        assertThat(low).as("the least %s of %s can be, from %s", m, providers.get(i), published).isLessThanOrEqualTo(0);
        assertThat(high).as("the most %s of %s can be, from %s", m, providers.get(i), published).isGreaterThanOrEqualTo(4);
      }
    }
  }

  /** Provider "none" means not accepted by the end of the month: none of them accepted, completed or dropped out. */
  private static boolean zeroByDefinition(PublishedRow row, Measure m) {
    return row.provider().equals("none") && m.needsAcceptance();
  }

  private static long atLeast(PublishedRow row, Measure m) {
    if (!row.count(m).suppressed()) return Math.max(5, row.count(m).value() - 2);
    long least = 0;
    for (Measure part : Measure.values()) {
      Count count = row.count(part);
      if (part.partOf().contains(m) && !count.suppressed()) least = Math.max(least, Math.max(5, count.value() - 2));
    }
    return least;
  }

  private static long atMost(PublishedRow row, Measure m) {
    if (zeroByDefinition(row, m)) return 0;
    if (!row.count(m).suppressed()) return row.count(m).value() + 2;
    long most = 1_000_000;
    for (Measure whole : m.partOf()) {
      if (!row.count(whole).suppressed()) most = Math.min(most, row.count(whole).value() + 2);
    }
    return most;
  }
}
