/** The branches (SBI 2008 codes) of the enterprises of the model. */

/** SBI 2008 codes of cash-intensive ("witwasgevoelige") branches; see docs/synthetic-data.md. */
export const CASH_INTENSIVE_SBI = [
  '4511', // car trade
  '45205', // car washes
  '96021', // barbers and hairdressers
  '96022', // beauty and nail salons
  '47421', // phone shops
  '56302', // cafés and shisha lounges
  '96042', // massage parlours
  '96041', // tanning studios
  '6810', // real estate trade
  '6820', // real estate rental
  '66192', // money transfer and currency exchange
  '5520', // holiday parks
] as const;

export const OTHER_SBI = [
  '0111',
  '1071',
  '4120',
  '4321',
  '4332',
  '4399',
  '4711',
  '4719',
  '4778',
  '4932',
  '4941',
  '5610',
  '6201',
  '6202',
  '6920',
  '7022',
  '7111',
  '7311',
  '7490',
  '8559',
  '8621',
  '8690',
  '8810',
  '9001',
  '9311',
  '9499',
] as const;
