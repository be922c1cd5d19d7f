package org.linkway.platform.security;

import java.util.Arrays;
import java.util.List;
import java.util.function.BiPredicate;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.authorization.ReactiveAuthorizationManager;
import org.springframework.security.web.server.authorization.AuthorizationContext;
import reactor.core.publisher.Flux;

/** The rules an {@link AccessRules} table is built from. Each allows a verified caller or not; no token is refused before any rule. */
public final class Access {

  /** A rule: whether a caller may make a request, given the request's path variables. */
  public interface Rule extends ReactiveAuthorizationManager<AuthorizationContext> {}

  private Access() {}

  /** Any caller in one of these roles, whoever they act for. */
  public static Rule anyOf(Role... roles) {
    List<Role> allowed = Arrays.asList(roles);
    return rule((caller, context) -> allowed.contains(caller.role()));
  }

  /** A caller in this role acting for the organisation that the path variable names: its own resource. */
  public static Rule own(Role role, String pathVariable) {
    return rule((caller, context) -> caller.is(role, (String) context.getVariables().get(pathVariable)));
  }

  /** Allowed when any of the rules allows. */
  public static Rule either(Rule... rules) {
    return (authentication, context) -> {
      var caller = authentication.cache();
      return Flux.fromArray(rules)
          .concatMap(rule -> rule.authorize(caller, context))
          .filter(AuthorizationResult::isGranted)
          .next()
          .defaultIfEmpty(new AuthorizationDecision(false));
    };
  }

  private static Rule rule(BiPredicate<Caller, AuthorizationContext> allows) {
    return (authentication, context) -> authentication
        .map(a -> new AuthorizationDecision(a.isAuthenticated() && Caller.of(a).map(c -> allows.test(c, context)).orElse(false)))
        .cast(AuthorizationResult.class)
        .defaultIfEmpty(new AuthorizationDecision(false));
  }
}
