package org.linkway.outcome.dashboard;

import java.util.Optional;
import org.linkway.platform.pages.PageHome;
import org.linkway.platform.security.Role;
import org.springframework.stereotype.Component;

/** After signing in at outcome-service, a commissioner goes to the commissioning dashboard. */
@Component
class DashboardHome implements PageHome {

  @Override
  public Optional<String> pathFor(Role role) {
    return role == Role.COMMISSIONER ? Optional.of(DashboardPage.PATH) : Optional.empty();
  }
}
