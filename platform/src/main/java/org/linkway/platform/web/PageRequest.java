package org.linkway.platform.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.linkway.platform.web.ProblemException.FieldProblem;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * One page of a list, as a request asks for it: {@code ?after=} the cursor the previous page gave
 * (none for the first page) and {@code ?limit=} how many at most. Lists are read a page at a time so
 * that a request costs the same however long the list has grown; the page after is linked from the
 * answer's {@code Link: <…>; rel="next"} header, so the body keeps its shape.
 */
public record PageRequest(String after, int limit) {

  /** The most a page holds, whatever is asked. */
  public static final int MAX_LIMIT = 500;

  /**
   * The page asked for, checked: a cursor of the list's own form ({@code cursor}), a limit from 1 to
   * {@value #MAX_LIMIT} ({@code defaultLimit} when none is given); otherwise 400 naming the parameter.
   */
  public static PageRequest of(String after, String limit, int defaultLimit, Pattern cursor) {
    List<FieldProblem> problems = new ArrayList<>();
    if (after != null && !cursor.matcher(after).matches()) {
      problems.add(new FieldProblem("after", "is not a cursor of this list: use the next link of the page before"));
    }
    int size = defaultLimit;
    if (limit != null) {
      try {
        size = Integer.parseInt(limit.strip());
      } catch (NumberFormatException e) {
        size = 0;
      }
      if (size < 1 || size > MAX_LIMIT) problems.add(new FieldProblem("limit", "must be a whole number from 1 to " + MAX_LIMIT));
    }
    if (!problems.isEmpty()) throw new ProblemException.Invalid(problems);
    return new PageRequest(after, size);
  }

  /**
   * The link to the page after, the request's own path and query with {@code after} replaced by
   * {@code next} (relative, so it holds whichever instance answered); null when there is no next page.
   */
  public String nextLink(ServerHttpRequest request, String next) {
    if (next == null) return null;
    return UriComponentsBuilder.fromPath(request.getPath().value()).query(request.getURI().getRawQuery())
        .replaceQueryParam("after", URLEncoder.encode(next, StandardCharsets.UTF_8)).replaceQueryParam("limit", limit)
        .build(true).toUriString();
  }

  /** Adds the {@code Link} header to the page after, when there is one. */
  public void linkNext(ServerHttpRequest request, ServerHttpResponse response, String next) {
    String link = nextLink(request, next);
    if (link != null) response.getHeaders().add(HttpHeaders.LINK, "<" + link + ">; rel=\"next\"");
  }
}
