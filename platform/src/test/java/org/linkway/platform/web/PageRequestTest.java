package org.linkway.platform.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.linkway.platform.streams.PartyView;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

/** A page asked for by {@code ?after=&limit=}: checked, with a problem naming the parameter, and linked to the next. */
class PageRequestTest {

  private static final String CURSOR = "0000001793610000000|3f2b8c1e-5d4a-4f6b-9c1d-2e3f4a5b6c7d";

  @Test
  void givenNoParameters_whenRead_thenTheFirstPageOfTheDefaultSize() {
    assertThat(PageRequest.of(null, null, 100, PartyView.CURSOR)).isEqualTo(new PageRequest(null, 100));
  }

  @Test
  void givenACursorAndALimit_whenRead_thenThePageAfterTheCursor() {
    assertThat(PageRequest.of(CURSOR, "20", 100, PartyView.CURSOR)).isEqualTo(new PageRequest(CURSOR, 20));
  }

  @Test
  void givenACursorNotOfTheList_whenRead_thenAProblemNamingAfter() {
    assertThatThrownBy(() -> PageRequest.of("p-1|../x", null, 100, PartyView.CURSOR))
        .isInstanceOfSatisfying(ProblemException.Invalid.class,
            e -> assertThat(e.errors()).extracting(ProblemException.FieldProblem::field).containsExactly("after"));
  }

  @Test
  void givenLimitsOutOfRangeOrNotNumbers_whenRead_thenAProblemNamingLimit() {
    for (String limit : new String[] {"0", "-1", "501", "ten", ""}) {
      assertThatThrownBy(() -> PageRequest.of(null, limit, 100, PartyView.CURSOR)).as(limit)
          .isInstanceOfSatisfying(ProblemException.Invalid.class,
              e -> assertThat(e.errors()).extracting(ProblemException.FieldProblem::field).containsExactly("limit"));
    }
  }

  @Test
  void givenANextCursor_whenLinked_thenTheSamePathAndQueryWithTheCursorReplaced() {
    var request = MockServerHttpRequest.get("/providers/p-1/referrals?status=OFFERED&after=old&limit=20").build();

    String link = new PageRequest("old", 20).nextLink(request, CURSOR);

    assertThat(link).isEqualTo("/providers/p-1/referrals?status=OFFERED&after=" + CURSOR.replace("|", "%7C") + "&limit=20");
    assertThat(new PageRequest(null, 20).nextLink(request, null)).isNull();
  }
}
