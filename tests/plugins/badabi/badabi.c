/* badabi.c: a test plugin built for another ABI major; the loader must refuse it, naming both versions. */
#define REFUSED_NAME "badabi"
#define REFUSED_MAJOR (TALLY_ABI_MAJOR + 1)
#define REFUSED_MINOR 0
#define REFUSED_WHAT "test plugin built for a future ABI major"
#include "../refused_plugin.h"
