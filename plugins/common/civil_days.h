/* civil_days.h: days since 1970-01-01 of a calendar date, for the input plugins that turn date text into day numbers. */
#ifndef TALLY_CIVIL_DAYS_H
#define TALLY_CIVIL_DAYS_H

/* Days since 1970-01-01 of y-m-d in the proleptic Gregorian calendar (negative before 1970).
 * The years are counted from March, so the leap day is the last day of its year and the
 * month lengths repeat every 400 years (an era of 146097 days). m and d are not checked. */
static inline long civil_days(long y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

#endif
