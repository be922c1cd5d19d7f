package org.linkway.outcome.statements;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linkway.outcome.statements.Ledgers.referral;

import java.time.YearMonth;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.linkway.events.Milestone;
import org.linkway.state.FundingState;

class StatementCsvTest {

  private static final YearMonth APRIL = YearMonth.of(2026, 4);
  private static final String R1 = "11111111-1111-1111-1111-111111111111";
  private static final String R2 = "22222222-2222-2222-2222-222222222222";

  @Test
  void givenAStatement_whenWrittenAsCsv_thenHeaderItemsProviderTotalsAndGrandTotalInRfc4180() {
    List<FundingState> states = List.of(
        referral(R1).at("2026-03-31T23:30:00Z").committed("200.00").due(Milestone.ENGAGEMENT, "50.00")
            .at("2026-04-20T10:00:00Z").due(Milestone.COMPLETION, "1234.50").build(),
        referral(R2).provider("p2", "svc-9", "qmm-p2-2026").at("2026-04-11T10:00:00Z")
            .due(Milestone.OUTCOME, "0.05").build());

    String csv = Statement.of("QMM", APRIL, null, states).toCsv();

    assertThat(csv).isEqualTo(
        "providerId,date,referralId,serviceId,contractId,milestone,amount\r\n"
            + "p1,2026-04-01," + R1 + ",svc-1,qmm-p1-2026,ENGAGEMENT,50.00\r\n"
            + "p1,2026-04-20," + R1 + ",svc-1,qmm-p1-2026,COMPLETION,1234.50\r\n"
            + "p1,TOTAL,,,,,1284.50\r\n"
            + "p2,2026-04-11," + R2 + ",svc-9,qmm-p2-2026,OUTCOME,0.05\r\n"
            + "p2,TOTAL,,,,,0.05\r\n"
            + ",GRAND TOTAL,,,,,1284.55\r\n");
  }

  @Test
  void givenAnUnknownProvider_whenWrittenAsCsv_thenHeaderAZeroTotalAndAZeroGrandTotal() {
    String csv = Statement.of("QMM", APRIL, "nobody", List.of()).toCsv();

    assertThat(csv).isEqualTo(
        "providerId,date,referralId,serviceId,contractId,milestone,amount\r\n"
            + "nobody,TOTAL,,,,,0.00\r\n"
            + ",GRAND TOTAL,,,,,0.00\r\n");
  }

  @Test
  void givenIdsWithCommasQuotesAndNewlines_whenWrittenAsCsv_thenThoseFieldsAreQuotedWithQuotesDoubled() {
    List<FundingState> states = List.of(referral(R1).provider("p,1", "the \"shed\"", "line\r\nbreak")
        .at("2026-04-02T10:00:00Z").due(Milestone.ENGAGEMENT, "10.00").build());

    String csv = Statement.of("QMM", APRIL, null, states).toCsv();

    assertThat(csv.split("\r\n", -1)).containsExactly(
        "providerId,date,referralId,serviceId,contractId,milestone,amount",
        "\"p,1\",2026-04-02," + R1 + ",\"the \"\"shed\"\"\",\"line",
        "break\",ENGAGEMENT,10.00",
        "\"p,1\",TOTAL,,,,,10.00",
        ",GRAND TOTAL,,,,,10.00",
        "");
  }

  @ParameterizedTest(name = "[{0}] -> [{1}]")
  @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
      "svc-1|svc-1",
      "a,b|'\"a,b\"'",
      "say \"hi\"|'\"say \"\"hi\"\"\"'",
      "'  padded  '|'  padded  '",
      "''|''",
  })
  void givenAField_whenQuoted_thenOnlyWhatRfc4180RequiresIsQuoted(String value, String expected) {
    assertThat(StatementCsv.field(value)).isEqualTo(expected);
  }

  @Test
  void givenANewlineOrCarriageReturn_whenQuoted_thenTheFieldIsQuoted() {
    assertThat(StatementCsv.field("a\nb")).isEqualTo("\"a\nb\"");
    assertThat(StatementCsv.field("a\rb")).isEqualTo("\"a\rb\"");
    assertThat(StatementCsv.field(null)).isEmpty();
  }
}
