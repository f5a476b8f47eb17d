// One issue per drifting deployment, titled "Drift: <deployment>" with the label `drift`:
// opened (or updated) while the deployment drifts, closed with a comment once it no longer does.
module.exports = async function syncDriftIssue({ github, context, deployment, drifting, whatIf, run }) {
  const { owner, repo } = context.repo;
  const title = `Drift: ${deployment}`;
  const open = await github.paginate(github.rest.issues.listForRepo, { owner, repo, state: 'open', labels: 'drift', per_page: 100 });
  const issue = open.find((i) => i.title === title && !i.pull_request);
  const body = `The deployed stack of \`${deployment}\` differs from the code (what-if, [run](${run})).\n\nRedeploy it (\`npm run deploy -- ${deployment}\` or the deploy workflow) or change the code to match.\n\n${whatIf}`;
  if (drifting) {
    if (issue) await github.rest.issues.update({ owner, repo, issue_number: issue.number, body });
    else await github.rest.issues.create({ owner, repo, title, body, labels: ['drift'] });
  } else if (issue) {
    await github.rest.issues.createComment({ owner, repo, issue_number: issue.number, body: `No drift any more ([run](${run})): closing.` });
    await github.rest.issues.update({ owner, repo, issue_number: issue.number, state: 'closed', state_reason: 'completed' });
  }
};
