#include "tests/core/events/test_log.h"
