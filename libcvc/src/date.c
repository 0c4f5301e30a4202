/* SPDX-License-Identifier: MIT */
/*
 * CVC dates (TR-03110-3 D.2.1.3): six octets YYMMDD, one unpacked BCD digit
 * per octet, GMT, year 20YY.
 */
#include <stddef.h>

#include <cvc/cert.h>

#define CVC_DATE_FIRST_YEAR 2000u
#define CVC_DATE_LAST_YEAR  2099u

static bool is_leap_year(unsigned year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static unsigned days_in_month(unsigned year, unsigned month)
{
	static const uint8_t days[12] = {31, 28, 31, 30, 31, 30,
	                                 31, 31, 30, 31, 30, 31};

	if (month == 2 && is_leap_year(year))
		return 29;
	return days[month - 1];
}

bool cvc_date_valid(const cvc_date *date)
{
	if (date == NULL)
		return false;
	if (date->year < CVC_DATE_FIRST_YEAR || date->year > CVC_DATE_LAST_YEAR)
		return false;
	if (date->month < 1 || date->month > 12)
		return false;
	return date->day >= 1 &&
	       date->day <= days_in_month(date->year, date->month);
}

cvc_err cvc_date_decode(const uint8_t digits[6], cvc_date *out)
{
	cvc_date date;

	if (digits == NULL || out == NULL)
		return CVC_ERR_INVALID_ARG;
	for (size_t i = 0; i < 6; i++) {
		if (digits[i] > 9)
			return CVC_ERR_BAD_DATE;
	}
	date.year =
	    (uint16_t)(CVC_DATE_FIRST_YEAR + digits[0] * 10u + digits[1]);
	date.month = (uint8_t)(digits[2] * 10u + digits[3]);
	date.day = (uint8_t)(digits[4] * 10u + digits[5]);
	if (!cvc_date_valid(&date))
		return CVC_ERR_BAD_DATE;
	*out = date;
	return CVC_OK;
}

cvc_err cvc_date_encode(const cvc_date *date, uint8_t digits[6])
{
	unsigned yy;

	if (date == NULL || digits == NULL)
		return CVC_ERR_INVALID_ARG;
	if (!cvc_date_valid(date))
		return CVC_ERR_BAD_DATE;
	yy = date->year - CVC_DATE_FIRST_YEAR;
	digits[0] = (uint8_t)(yy / 10);
	digits[1] = (uint8_t)(yy % 10);
	digits[2] = (uint8_t)(date->month / 10);
	digits[3] = (uint8_t)(date->month % 10);
	digits[4] = (uint8_t)(date->day / 10);
	digits[5] = (uint8_t)(date->day % 10);
	return CVC_OK;
}

int cvc_date_cmp(const cvc_date *a, const cvc_date *b)
{
	if (a->year != b->year)
		return a->year < b->year ? -1 : 1;
	if (a->month != b->month)
		return a->month < b->month ? -1 : 1;
	if (a->day != b->day)
		return a->day < b->day ? -1 : 1;
	return 0;
}

/* Reads exactly n decimal digits; no sign, no spaces. */
static bool parse_digits(const char *text, size_t n, unsigned *value)
{
	unsigned v = 0;

	for (size_t i = 0; i < n; i++) {
		if (text[i] < '0' || text[i] > '9')
			return false;
		v = v * 10 + (unsigned)(text[i] - '0');
	}
	*value = v;
	return true;
}

cvc_err cvc_date_parse(const char *text, cvc_date *out)
{
	unsigned year, month, day;
	cvc_date date;

	if (text == NULL || out == NULL)
		return CVC_ERR_INVALID_ARG;
	/* Exactly "YYYY-MM-DD": each check stops at the first NUL. */
	if (!parse_digits(text, 4, &year) || text[4] != '-' ||
	    !parse_digits(text + 5, 2, &month) || text[7] != '-' ||
	    !parse_digits(text + 8, 2, &day) || text[10] != '\0')
		return CVC_ERR_BAD_DATE;
	if (year < CVC_DATE_FIRST_YEAR || year > CVC_DATE_LAST_YEAR)
		return CVC_ERR_BAD_DATE;
	date.year = (uint16_t)year;
	date.month = (uint8_t)month;
	date.day = (uint8_t)day;
	if (!cvc_date_valid(&date))
		return CVC_ERR_BAD_DATE;
	*out = date;
	return CVC_OK;
}
