#include "gatewayctl.h"

int main(int argc, char** argv) { return gateway::tools::runGatewayctl(argc, argv); }
