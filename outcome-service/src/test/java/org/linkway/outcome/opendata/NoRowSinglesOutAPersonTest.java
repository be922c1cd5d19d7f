package org.linkway.outcome.opendata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linkway.outcome.opendata.Referrals.NOV_2026;
import static org.linkway.outcome.opendata.Referrals.submitted;

import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.linkway.events.Completion;
import org.linkway.events.NeedCode;
import org.linkway.outcome.opendata.DisclosureControl.Count;
import org.linkway.outcome.opendata.DisclosureControl.PublishedRow;
import org.linkway.outcome.opendata.OpenDataTable.Measure;
import org.linkway.state.FundingState;
import org.linkway.state.ReferralStatus;

/** The open data's promise: no row, cell or text in it can single out a person. */
class NoRowSinglesOutAPersonTest {

  private static final Pattern UUID_LIKE = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}");
  private static final Pattern PERSON_ID_LIKE = Pattern.compile("p-[0-9a-f]{6}");
  private static final Pattern PRACTICE_CODE_LIKE = Pattern.compile("\\b[A-Z]\\d{5}\\b");
  private static final Pattern NHS_NUMBER_LIKE = Pattern.compile("\\d{10}");

  private final List<Referrals> referrals = new ArrayList<>();

  @Test
  void givenOneProviderNeedAndMonthWithExactlyOneReferral_whenPublished_thenItsCountsAreSuppressedAndNoIdentifierAppears() {
    // a busy cell: 12 referrals to the walkers for loneliness
    for (int i = 0; i < 12; i++) {
      Referrals r = add(submitted("QMM", NOV_2026, NeedCode.LONELINESS).practice(i % 2 == 0 ? "D82044" : "D82001"));
      if (i < 9) r.accepted("wensum-walkers");
      if (i < 6) r.completed(i < 3);
      if (i == 11) r.status(ReferralStatus.DECLINED);
    }
    // the one person referred for nature to the tiny befriending group: completed, improved
    Referrals alone = add(submitted("QMM", NOV_2026, NeedCode.NATURE).practice("D82099")
        .service("tiny-befriending-tuesdays").accepted("tiny-befriending").completed(true));
    List<FundingState> states = states();

    List<PublishedRow> rows = DisclosureControl.publish(OpenDataTable.rows(states, YearMonth.of(2026, 11)));
    String csv = OpenDataCsv.write(rows);

    PublishedRow lone = rows.stream().filter(r -> r.provider().equals("tiny-befriending")).findFirst().orElseThrow();
    assertThat(lone.referrals().suppressed()).isTrue();
    assertThat(lone.accepted().suppressed()).isTrue();
    assertThat(lone.completed().suppressed()).isTrue();
    assertThat(lone.improved().suppressed()).isTrue();
    assertThat(csv).contains("\r\nQMM,ALL,NATURE,2026-11,*,*,*,*,*,*,*,*\r\n");
    assertThat(csv).contains("\r\nQMM,tiny-befriending,NATURE,2026-11,*,*,*,*,*,*,*,*\r\n");
    assertThat(csv).contains("\r\nQMM,ALL,LONELINESS,2026-11,10,10,5,*,*,*,*,*\r\n");
    assertThat(csv).contains("\r\nQMM,wensum-walkers,LONELINESS,2026-11,10,10,5,*,*,*,*,*\r\n");
    // 12 in all, 9 with the walkers: the 3 not accepted (one declined) stay hidden within the rounding
    assertThat(csv).contains("\r\nQMM,none,LONELINESS,2026-11,*,*,*,*,*,*,*,*\r\n");

    assertNoCellFromOneToFour(rows, csv);
    assertNoIdentifier(states, csv);
    assertThat(csv).doesNotContain(alone.personId()).doesNotContain("D82099").doesNotContain("tiny-befriending-tuesdays");
  }

  @Test
  void givenAThousandRandomReferrals_whenPublished_thenNoCellIsFromOneToFourAndNoIdentifierAppears() {
    Random random = new Random(20261110);
    String[] commissioners = {"QMM", "QOC", "E38000239"};
    String[] providers = {"wensum-walkers", "aylsham-arts", "tiny-befriending", "norwich-debt-advice"};
    String[] practices = {"D82044", "D82001", "D82099", "Y01234"};
    NeedCode[] needs = Arrays.stream(NeedCode.values()).filter(n -> n != NeedCode.UNKNOWN).toArray(NeedCode[]::new);
    for (int i = 0; i < 1000; i++) {
      NeedCode[] some = random.ints(1 + random.nextInt(2), 0, needs.length).mapToObj(n -> needs[n]).toArray(NeedCode[]::new);
      Referrals r = add(submitted(commissioners[random.nextInt(3)],
          NOV_2026.minusSeconds(86_400L * random.nextInt(400)), some).practice(practices[random.nextInt(4)]));
      int fate = random.nextInt(8);
      String provider = providers[random.nextInt(4)];
      if (fate >= 1) r.offered(provider);
      if (fate >= 3) r.accepted(provider);
      switch (fate) {
        case 1 -> r.status(ReferralStatus.UNPLACED);
        case 2 -> r.status(ReferralStatus.DECLINED);
        case 4 -> r.status(ReferralStatus.CANCELLED);
        case 5 -> r.ended(Completion.DROPPED_OUT, random.nextBoolean());
        case 6, 7 -> r.completed(random.nextBoolean());
        default -> { }
      }
    }
    List<FundingState> states = states();

    List<PublishedRow> rows = new ArrayList<>();
    for (YearMonth month = YearMonth.of(2025, 10); !month.isAfter(YearMonth.of(2026, 11)); month = month.plusMonths(1)) {
      rows.addAll(DisclosureControl.publish(OpenDataTable.rows(states, month)));
    }
    String csv = OpenDataCsv.write(rows);

    assertThat(rows).anySatisfy(row -> assertThat(row.referrals().suppressed()).isFalse());
    assertThat(rows).anySatisfy(row -> assertThat(row.referrals().suppressed()).isTrue());
    assertNoCellFromOneToFour(rows, csv);
    assertNoIdentifier(states, csv);
  }

  private Referrals add(Referrals r) {
    referrals.add(r);
    return r;
  }

  private List<FundingState> states() {
    return referrals.stream().map(Referrals::build).toList();
  }

  private static void assertNoCellFromOneToFour(List<PublishedRow> rows, String csv) {
    for (PublishedRow row : rows) {
      for (Measure m : Measure.values()) {
        Count count = row.count(m);
        if (count.suppressed()) {
          assertThat(count.value()).as("%s of %s", m, row).isNull();
        } else {
          assertThat(count.value()).as("%s of %s", m, row).isNotNull().matches(v -> v >= 5 && v % 5 == 0);
        }
      }
    }
    String[] lines = csv.split("\r\n");
    assertThat(lines).hasSize(rows.size() + 1);
    for (int i = 1; i < lines.length; i++) {
      String[] cells = lines[i].split(",");
      assertThat(cells).hasSize(OpenDataColumn.values().length);
      for (int c = 4; c < cells.length; c++) {
        assertThat(cells[c]).as("line %d: %s", i, lines[i]).matches("\\*|[1-9][0-9]*[05]|5");
      }
    }
  }

  private static void assertNoIdentifier(List<FundingState> states, String csv) {
    for (FundingState s : states) {
      assertThat(csv).doesNotContain(s.getReferralId().toString());
      if (s.getPractice() != null) assertThat(csv).doesNotContain(s.getPractice());
      s.getOutcomes().forEach(o -> assertThat(csv).doesNotContain(o.getPersonId()).doesNotContain(o.getServiceId()));
    }
    assertThat(UUID_LIKE.matcher(csv).find()).as("a UUID in the CSV").isFalse();
    assertThat(PERSON_ID_LIKE.matcher(csv).find()).as("a person id in the CSV").isFalse();
    assertThat(PRACTICE_CODE_LIKE.matcher(csv).find()).as("a practice code in the CSV").isFalse();
    assertThat(NHS_NUMBER_LIKE.matcher(csv).find()).as("an NHS number in the CSV").isFalse();
  }
}
