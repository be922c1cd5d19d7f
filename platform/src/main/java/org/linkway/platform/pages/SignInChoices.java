package org.linkway.platform.pages;

import java.util.List;
import org.linkway.platform.security.Role;

/**
 * The demo parties the local sign-in page offers to pick from. A service may add its own (provider-service
 * offers its registered providers); the page always lets a person type another organisation. Asked only when the demo
 * sign-in is on (the local stack), so a deployment's sign-in page reads nothing for them.
 */
@FunctionalInterface
public interface SignInChoices {

  record Party(Role role, String organisation, String label) {}

  List<Party> parties();
}
