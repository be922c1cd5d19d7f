package org.linkway.outcome.opendata;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.linkway.outcome.opendata.DisclosureControl.PublishedRow;
import org.linkway.outcome.opendata.OpenDataTable.Row;

class OpenDataCsvTest {

  static final String HEADER =
      "commissioner,provider,need,month,referrals,accepted,completed,droppedOut,improved,declined,unplaced,cancelled";

  @Test
  void givenNoRows_whenWritten_thenOnlyTheHeaderLine() {
    assertThat(OpenDataCsv.write(List.of())).isEqualTo(HEADER + "\r\n");
  }

  @Test
  void givenTheColumns_whenTheHeaderIsWritten_thenItNamesEveryColumnInOrderAndEachHasAMeaning() {
    assertThat(OpenDataCsv.header()).isEqualTo(HEADER);
    for (OpenDataColumn column : OpenDataColumn.values()) {
      assertThat(column.meaning()).as(column.header()).isNotBlank();
    }
  }

  @Test
  void givenControlledRows_whenWritten_thenSuppressedCountsAreStarsAndLinesEndInCrLf() {
    List<PublishedRow> rows = Stream.of(
        new Row("QMM", "none", "LONELINESS", "2026-11", 3, 0, 0, 0, 0, 0, 0, 0),
        new Row("QMM", "wensum-walkers", "NATURE", "2026-11", 23, 18, 12, 2, 8, 1, 0, 5))
        .map(DisclosureControl::publish).toList();

    String csv = OpenDataCsv.write(rows);

    assertThat(csv).isEqualTo(HEADER + "\r\n"
        + "QMM,none,LONELINESS,2026-11,*,*,*,*,*,*,*,*\r\n"
        + "QMM,wensum-walkers,NATURE,2026-11,25,20,10,*,10,*,*,5\r\n");
  }

  @ParameterizedTest(name = "[{0}] is written as [{1}]")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      wensum-walkers         | wensum-walkers
      Walkers, Wensum        | "Walkers, Wensum"
      the "Wensum" walkers   | "the ""Wensum"" walkers"
      `two\nlines`           | `"two\nlines"`
      =HYPERLINK("x")        | "'=HYPERLINK(""x"")"
      +44                    | '+44
      -1                     | '-1
      @SUM(A1)               | '@SUM(A1)
      a-b                    | a-b
      """)
  void givenATextCell_whenEscaped_thenItIsQuotedOnlyWhenNeededAndNeverReadAsAFormula(String raw, String written) {
    assertThat(OpenDataCsv.escape(raw.replace("\\n", "\n"))).isEqualTo(written.replace("\\n", "\n"));
  }

  @Test
  void givenAProviderIdWithACommaAndQuotes_whenWritten_thenTheLineStillHasTwelveCells() {
    List<PublishedRow> rows = List.of(DisclosureControl.publish(
        new Row("QMM", "Walkers, \"Wensum\"", "NATURE", "2026-11", 10, 5, 0, 0, 0, 0, 0, 0)));

    String line = OpenDataCsv.write(rows).split("\r\n")[1];

    assertThat(line).isEqualTo("QMM,\"Walkers, \"\"Wensum\"\"\",NATURE,2026-11,10,5,*,*,*,*,*,*");
  }
}
