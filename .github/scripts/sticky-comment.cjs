// Create or update the ONE what-if comment of a pull request, found by its hidden marker.
// Used from actions/github-script: require('./.github/scripts/sticky-comment.cjs')({ github, context, issueNumber, body }).
const marker = '<!-- cf-infra-what-if -->';

module.exports = async function stickyComment({ github, context, issueNumber, body }) {
  const { owner, repo } = context.repo;
  // `cf-infra what-if --format markdown` starts with the marker itself; other bodies get it here.
  const text = body.startsWith(marker) ? body : `${marker}\n${body}`;
  const comments = await github.paginate(github.rest.issues.listComments, { owner, repo, issue_number: issueNumber, per_page: 100 });
  const existing = comments.find((c) => c.body?.includes(marker));
  if (existing) await github.rest.issues.updateComment({ owner, repo, comment_id: existing.id, body: text });
  else await github.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body: text });
};
module.exports.marker = marker;
