/* newminor.c: a test plugin built for a newer ABI minor than the host; the loader must refuse it, naming both versions. */
#define REFUSED_NAME "newminor"
#define REFUSED_MAJOR TALLY_ABI_MAJOR
#define REFUSED_MINOR (TALLY_ABI_MINOR + 1)
#define REFUSED_WHAT "test plugin built for a newer ABI minor"
#include "../refused_plugin.h"
