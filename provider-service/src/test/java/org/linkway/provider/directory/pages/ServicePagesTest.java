package org.linkway.provider.directory.pages;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.linkway.platform.pages.TestTemplates;
import org.linkway.platform.pages.Templates;
import org.linkway.provider.directory.api.DirectoryService.ServiceView;

/**
 * The provider's services a page at a time: a page with more links to the next one; a later page links back to the
 * first and its forms send its cursor back, so that the page a change was made on comes back after it.
 */
class ServicePagesTest {

  private static final ServiceView WALKS = new ServiceView("svc-walks", "Walking group", List.of("LONELINESS"), List.of(),
      List.of("QMM"), List.of(), 5, "ACTIVE", null, null, false, "COMMUNITY", List.of());

  private final Templates templates = TestTemplates.onClassPath();

  @Test
  void givenACursorAndANotice_whenLinked_thenThePageFromJustAfterItWithTheNotice() {
    assertThat(ServicePages.link("svc-walks", null, null)).isEqualTo("/app/inbox/services?after=svc-walks");
    assertThat(ServicePages.link("svc-walks", "paused", "svc-run")).isEqualTo("/app/inbox/services?done=paused&service=svc-run&after=svc-walks");
    assertThat(ServicePages.link(null, "capacity", "svc-run")).isEqualTo("/app/inbox/services?done=capacity&service=svc-run");
  }

  @Test
  void givenALaterPageWithMore_whenRendered_thenItLinksToTheNextAndTheFirstAndItsFormsSendItsCursor() {
    String html = render("svc-a", ServicePages.link("svc-walks", null, null));

    assertThat(html).contains("id=\"more-services\" href=\"/app/inbox/services?after=svc-walks\" rel=\"next\"")
        .contains("id=\"first-services\" href=\"/app/inbox/services\"")
        .doesNotContain("You have no services listed");
    // the capacity form and the pause form each send the page's cursor back
    assertThat(html.split("name=\"after\" value=\"svc-a\"", -1)).hasSize(3);
  }

  @Test
  void givenTheFirstPageAtItsEnd_whenRendered_thenNoPageLinkAndNoCursorSent() {
    assertThat(render(null, null)).doesNotContain("more-services", "first-services", "name=\"after\"");
  }

  private String render(String after, String more) {
    return templates.fragment(ServicePages.VIEW, "main", new ServicePages.Services(List.of(WALKS),
        Map.of(WALKS.serviceId(), "loneliness"), null, null, Map.of(), Map.of(), after, more));
  }
}
