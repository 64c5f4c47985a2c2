//! [`CheckFeed`]: the transaction extension that keeps feeds ahead of ordinary traffic, for
//! feeders only.
//!
//! A price that is not fed goes stale, and a stale price stops borrowing; worse, during a crash
//! a delayed feed delays liquidations. So a block full of ordinary transactions must still include
//! the feeds. The extension gives a valid feed [`FEED_PRIORITY`], far above what any tip buys an
//! ordinary transaction (the pool and the block builder take transactions in priority order), and
//! refuses at validation, before the transaction pool accepts anything, every feed that could not
//! be accepted anyway: one from an account outside the feeder set, a second one of a feeder in
//! the same block, or one whose observation is not newer than the feeder's last. So nobody but a
//! feeder gets the priority, and a feeder gets it for one transaction per block.
//!
//! Feeds are also operational-class transactions, so a block whose normal part is full of ordinary
//! traffic still has room for them. A `utility.batch` made only of feeds inherits that class, but
//! this extension does not look inside batches: such a batch gets no feed priority, pays its fee
//! like any transaction, and its feeds pass the pallet's own checks or fail.

use codec::{Decode, DecodeWithMemTracking, Encode};
use core::marker::PhantomData;
use frame_support::{
	pallet_prelude::TransactionSource,
	traits::{Get, IsSubType, OriginTrait},
	weights::Weight,
	DefaultNoBound,
};
use frame_system::pallet_prelude::BlockNumberFor;
use scale_info::TypeInfo;
use sp_runtime::{
	impl_tx_ext_default,
	traits::{DispatchInfoOf, Dispatchable, TransactionExtension, ValidateResult},
	transaction_validity::{
		InvalidTransaction, TransactionPriority, TransactionValidityError, ValidTransaction,
	},
};

use crate::{Call, Config, FeederSubmissions, Pallet};

type CallOf<T> = <T as frame_system::Config>::RuntimeCall;

/// The priority a valid feed adds to its transaction: half of the whole range, so it outranks
/// any ordinary transaction whatever its tip (their priority comes from the tip), and two feeds
/// still order among themselves.
pub const FEED_PRIORITY: TransactionPriority = TransactionPriority::MAX / 2;

/// Why a feed is refused before it enters the transaction pool.
#[repr(u8)]
pub enum FeedRefusal {
	/// The signer is not a feeder.
	NotAFeeder = 60,
}

/// Transaction extension: valid feeds get [`FEED_PRIORITY`]; feeds that the pallet would refuse
/// for who sent them or when are refused before they enter the pool. Other transactions pass
/// untouched.
#[derive(Encode, Decode, DecodeWithMemTracking, DefaultNoBound, Clone, Eq, PartialEq, TypeInfo)]
#[scale_info(skip_type_params(T))]
pub struct CheckFeed<T>(PhantomData<T>);

impl<T> CheckFeed<T> {
	/// The extension (it carries no data).
	pub fn new() -> Self {
		Self(PhantomData)
	}
}

impl<T> core::fmt::Debug for CheckFeed<T> {
	fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
		write!(f, "CheckFeed")
	}
}

impl<T: Config + Send + Sync> CheckFeed<T> {
	/// The checks of a top-level feed by `who` observed at `observed_at`.
	fn check(
		who: &T::AccountId,
		observed_at: BlockNumberFor<T>,
	) -> Result<ValidTransaction, TransactionValidityError> {
		if Pallet::<T>::ensure_feeder(who).is_err() {
			return Err(InvalidTransaction::Custom(FeedRefusal::NotAFeeder as u8).into());
		}
		let now = frame_system::Pallet::<T>::block_number();
		if observed_at > now {
			return Err(InvalidTransaction::Future.into());
		}
		if let Some(last) = FeederSubmissions::<T>::get(who) {
			// A feed of this block is in already, or this one is not newer than the last.
			if last.submitted_in >= now || observed_at <= last.observed_at {
				return Err(InvalidTransaction::Stale.into());
			}
		}
		Ok(ValidTransaction {
			priority: FEED_PRIORITY,
			// A feed observed now is worth including for as long as it is not stale.
			longevity: sp_runtime::SaturatedConversion::saturated_into(T::MaxPriceAge::get()),
			..Default::default()
		})
	}
}

impl<T: Config + Send + Sync> TransactionExtension<CallOf<T>> for CheckFeed<T>
where
	CallOf<T>: IsSubType<Call<T>> + Dispatchable<RuntimeOrigin = T::RuntimeOrigin>,
{
	const IDENTIFIER: &'static str = "CheckFeed";
	type Implicit = ();
	type Val = ();
	type Pre = ();

	fn weight(&self, call: &CallOf<T>) -> Weight {
		match call.is_sub_type() {
			// The feeder set and the feeder's last submission.
			Some(Call::submit_floor_prices { .. }) => T::DbWeight::get().reads(2),
			_ => Weight::zero(),
		}
	}

	fn validate(
		&self,
		origin: T::RuntimeOrigin,
		call: &CallOf<T>,
		_info: &DispatchInfoOf<CallOf<T>>,
		_len: usize,
		_self_implicit: Self::Implicit,
		_inherited_implication: &impl Encode,
		_source: TransactionSource,
	) -> ValidateResult<Self::Val, CallOf<T>> {
		let validity = match (call.is_sub_type(), origin.as_signer()) {
			(Some(Call::submit_floor_prices { observed_at, .. }), Some(who)) => {
				Self::check(who, *observed_at)?
			}
			_ => ValidTransaction::default(),
		};
		Ok((validity, (), origin))
	}

	impl_tx_ext_default!(CallOf<T>; prepare);
}
