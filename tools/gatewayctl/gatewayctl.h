#pragma once
// gatewayctl: operator commands (migrations, service owners, systems, services, reportees,
// certificate inspection). The contract (commands, options, exit codes) is in docs/HELPERS-BRIEF.md
// and `gatewayctl --help`. Exit codes: 0 ok, 1 error, 2 usage, 3 already exists.

namespace gateway::tools {

int runGatewayctl(int argc, char** argv);

}  // namespace gateway::tools
